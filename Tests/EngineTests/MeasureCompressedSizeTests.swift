import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The compressed image size against an independent reference: the layers of the same `docker save` archive,
/// extracted with tar(1) and compressed with gzip(1) -6. zlib and GNU gzip implement deflate separately, so the
/// sizes agree closely but not to the byte: within 1 % per layer (and gzip's header, 10 bytes with -n, is in both).
@Suite("Measure: compressed image size (real engine)", .serialized)
struct MeasureCompressedSizeTests {
    @Test("gzip -6 of each layer, counted in process, matches gzip(1) within 1 %")
    func matchesGzip() async throws {
        let engine = try await ProofFixture.engine()
        _ = try await ProofFixture.shared.build(driver: "uv")
        let image = ProofFixture.tag("uv")
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let archive = URL(fileURLWithPath: work.path).appendingPathComponent("image.tar")
        let saved = try await engine.saveImage(image, to: archive)
        let meter = CompressedSizeMeter(workDirectory: URL(fileURLWithPath: work.path))
        let size = try await ProofFixture.offPool { try meter.measure(archive: archive) }
        try #require(!size.layers.isEmpty)
        #expect(size.layerBytes < saved, "layers \(size.layerBytes) must fit in the archive \(saved)")
        let inspect = try #require(try await engine.inspectImage(image))
        // Layer tars carry 512-byte headers per file: a little larger than the files they hold.
        #expect(size.layerBytes >= inspect.size, "layer tars \(size.layerBytes) < inspect Size \(inspect.size)")
        #expect(Double(size.layerBytes) < Double(inspect.size) * 1.1)
        #expect(size.compressedBytes < size.layerBytes)

        let extracted = URL(fileURLWithPath: work.path).appendingPathComponent("x")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        let untar = try await ProcessRunner.run(
            "/bin/tar", ["-xf", archive.path, "-C", extracted.path] + size.layers.map(\.path))
        try #require(untar.succeeded, "tar: \(untar.error)")
        for layer in size.layers {
            let file = extracted.appendingPathComponent(layer.path)
            let reference = try await ProofFixture.offPool { try Self.gzipBytes(file) }
            let error = Double(layer.compressedBytes - reference) / Double(max(reference, 1))
            #expect(
                abs(error) <= 0.01 || abs(layer.compressedBytes - reference) <= 64,
                "\(layer.path): ours \(layer.compressedBytes), gzip -6 \(reference)")
        }
        // The whole path (save through the API, then compress) agrees with the archive measured above.
        let whole = try await meter.measure(image: image, engine: engine)
        #expect(whole.compressedBytes == size.compressedBytes)
        print(
            "compressed size: \(image): \(inspect.size) bytes uncompressed, \(whole.compressedBytes) gzip -6, "
                + "\(whole.layers.count) layers, \(String(format: "%.2f", whole.seconds)) s, "
                + "wasted \(whole.waste.wastedBytes) bytes (efficiency \(String(format: "%.4f", whole.waste.efficiency)))"
        )
        #expect(!FileManager.default.fileExists(atPath: work.path + "/containerbench-save-"), "archive left behind")
    }

    /// The byte count of `gzip -6 -n -c file` (stdout read as data, not text).
    static func gzipBytes(_ file: URL) throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-6", "-n", "-c", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var total: Int64 = 0
        while true {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            total += Int64(chunk.count)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MeasureError("gzip -6 \(file.path) failed") }
        return total
    }
}
