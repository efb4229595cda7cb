import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Saves an image once (`docker save` through the Engine API, streamed to a temporary tar) and measures from that
/// one archive what was asked: its compressed size and wasted bytes (`CompressedSizeMeter`), its inventory
/// (`ImageInventoryReader`), or both. The archive is indexed once and removed afterwards; the blocking work runs off
/// Swift's cooperative pool.
public struct SavedImageMeter: Sendable {
    /// What was measured, and what each part cost.
    public struct Result: Sendable {
        /// The compressed size, when asked for.
        public var compressedSize: CompressedImageSize?
        /// The inventory, when asked for.
        public var inventory: ImageInventory?
        /// Odd records the inventory skipped or guessed at.
        public var notes: [String] = []
        /// Seconds of the save (the engine writing the archive).
        public var saveSeconds: Double = 0
        /// Seconds indexing the archive's tar headers (shared by both measurements).
        public var indexSeconds: Double = 0
        /// Seconds gzipping the layers.
        public var compressSeconds: Double = 0
        /// Seconds stacking the layers and reading the installers' records.
        public var inventorySeconds: Double = 0

        /// Everything: what the measurement cost the run.
        public var seconds: Double { saveSeconds + indexSeconds + compressSeconds + inventorySeconds }
        /// What the inventory alone costs when the archive is saved anyway: index + read.
        public var inventoryOnlySeconds: Double { indexSeconds + inventorySeconds }
    }

    /// Measure the compressed size.
    public var compressedSize: Bool
    /// Read the inventory.
    public var inventory: Bool
    /// gzip level of the compressed size.
    public var level: Int32
    /// Where the temporary archive goes.
    public var workDirectory: URL

    /// A meter; see the properties.
    public init(
        compressedSize: Bool, inventory: Bool, level: Int32 = 6,
        workDirectory: URL = FileManager.default.temporaryDirectory
    ) {
        self.compressedSize = compressedSize
        self.inventory = inventory
        self.level = level
        self.workDirectory = workDirectory
    }

    /// Saves `image` from `engine` and measures it.
    /// - Throws: `EngineError` when the engine cannot save the image, `MeasureError` when the archive cannot be
    ///   read or compressed.
    public func measure(image: String, engine: any ContainerEngine) async throws -> Result {
        let suffix = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let archive = workDirectory.appendingPathComponent("containerbench-save-\(suffix).tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        let started = MonotonicClock.now()
        try await engine.saveImage(image, to: archive)
        let saveSeconds = MonotonicClock.now() - started
        var result = try await runOnBackgroundThread { [self] () throws(MeasureError) -> Result in
            try measure(archive: archive)
        }
        result.saveSeconds = saveSeconds
        return result
    }

    /// Measures a `docker save` archive already on disk.
    /// - Throws: `MeasureError` when it is not a readable `docker save` archive.
    public func measure(archive: URL) throws(MeasureError) -> Result {
        var result = Result()
        var started = MonotonicClock.now()
        let saved = try SavedImage(url: archive)
        result.indexSeconds = MonotonicClock.now() - started
        if compressedSize {
            started = MonotonicClock.now()
            var size = try CompressedSizeMeter(level: level, workDirectory: workDirectory).measure(saved)
            result.compressSeconds = MonotonicClock.now() - started
            size.seconds = result.indexSeconds + result.compressSeconds
            result.compressedSize = size
        }
        if inventory {
            started = MonotonicClock.now()
            let output = ImageInventoryReader().read(LayeredFileSystem(saved))
            result.inventorySeconds = MonotonicClock.now() - started
            result.inventory = output.inventory
            result.notes = output.notes
        }
        return result
    }
}
