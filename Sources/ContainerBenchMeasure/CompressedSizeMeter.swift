import ContainerBenchEngine
import ContainerBenchStatistics
import ContainerBenchSupport
import Foundation

/// One layer's bytes as the image stores it (an uncompressed tar) and as a registry would (gzip).
public struct CompressedLayer: Sendable, Equatable {
    /// The layer's file in the saved archive.
    public var path: String
    public var bytes: Int64
    public var compressedBytes: Int64
}

/// An image's compressed size, layer by layer.
public struct CompressedImageSize: Sendable, Equatable {
    /// Layers, oldest first.
    public var layers: [CompressedLayer]
    /// Seconds spent saving and compressing (the cost of the measurement).
    public var seconds: Double
    /// Files overwritten or deleted by later layers (dive's "wasted space").
    public var waste: LayerWaste

    /// The sum of the compressed layers: what a registry stores and a pull downloads.
    public var compressedBytes: Int64 { layers.map(\.compressedBytes).reduce(0, +) }
    /// The sum of the layer tars.
    public var layerBytes: Int64 { layers.map(\.bytes).reduce(0, +) }
}

/// Measures the compressed size of an image the way a registry stores it: `docker save` streamed to a temporary
/// tar (Engine API), then each layer's tar gzipped in process (zlib, level 6 as `gzip` and `docker push` use)
/// and the compressed bytes summed. Nothing but the byte counts is kept; the archive is removed.
public struct CompressedSizeMeter: Sendable {
    /// gzip level (6 is the default of gzip and of the Docker/containerd push path).
    public var level: Int32
    /// Where the temporary archive goes.
    public var workDirectory: URL

    /// Makes a meter writing its temporary archive under `workDirectory`.
    public init(level: Int32 = 6, workDirectory: URL = FileManager.default.temporaryDirectory) {
        self.level = level
        self.workDirectory = workDirectory
    }

    /// Saves `image` from `engine` and measures it.
    /// - Throws: `EngineError` when the engine cannot save the image, `MeasureError` when the archive cannot be
    ///   read or compressed.
    public func measure(image: String, engine: any ContainerEngine) async throws -> CompressedImageSize {
        let started = MonotonicClock.now()
        let suffix = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let archive = workDirectory.appendingPathComponent("containerbench-save-\(suffix).tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        try await engine.saveImage(image, to: archive)
        // Seconds of blocking I/O and CPU: off Swift's cooperative pool (as wide as the cores), so that probes and
        // other tasks of the process keep their threads meanwhile.
        var size = try await runOnBackgroundThread { () throws(MeasureError) -> CompressedImageSize in
            try measure(archive: archive)
        }
        size.seconds = MonotonicClock.now() - started
        return size
    }

    /// Measures a `docker save` archive already on disk.
    /// - Throws: `MeasureError` when it is not a readable `docker save` archive.
    public func measure(archive: URL) throws(MeasureError) -> CompressedImageSize {
        let started = MonotonicClock.now()
        var size = try measure(try SavedImage(url: archive))
        size.seconds = MonotonicClock.now() - started
        return size
    }

    /// Measures an archive indexed already (shared with the inventory reader, so one save serves both).
    func measure(_ saved: SavedImage) throws(MeasureError) -> CompressedImageSize {
        let started = MonotonicClock.now()
        var layers: [CompressedLayer] = []
        var files: [[(path: String, size: Int64)]] = []
        for layer in saved.layers {
            files.append(layer.contents.entries.map { (path: $0.name, size: $0.size) })
            let counter = try GzipByteCounter(level: level)
            try saved.archive.stream(layer.entry) { (chunk: UnsafeRawBufferPointer) throws(MeasureError) in
                try counter.update(chunk)
            }
            let compressed = try counter.finish()
            layers.append(CompressedLayer(path: layer.entry.name, bytes: layer.entry.size, compressedBytes: compressed))
        }
        return CompressedImageSize(
            layers: layers, seconds: MonotonicClock.now() - started, waste: LayerWaste.measure(layers: files))
    }
}
