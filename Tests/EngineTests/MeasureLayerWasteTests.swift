import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Wasted bytes in the manner of dive: files a later layer overwrites or deletes, read from a `docker save`-shaped
/// archive built here with tar(1): layer 1 has `app/big` (100 000 bytes), `app/keep` and `cache/x`, `cache/y`;
/// layer 2 overwrites `app/big` (10 bytes), deletes `app/keep` (whiteout) and empties `cache/` (opaque directory).
@Suite("Measure: wasted bytes across layers")
struct MeasureLayerWasteTests {
    @Test("Overwritten, deleted and opaque-directory files count as waste; compressed size is measured too")
    func wasteOfASavedArchive() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = URL(fileURLWithPath: directory.path)
        func file(_ path: String, _ bytes: Int) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(repeating: 65, count: bytes).write(to: url)
        }
        try file("l1/app/big", 100_000)
        try file("l1/app/keep", 3_000)
        try file("l1/cache/x", 2_000)
        try file("l1/cache/y", 1_000)
        try file("l2/app/big", 10)
        try file("l2/app/.wh.keep", 0)
        try file("l2/cache/.wh..wh..opq", 0)
        try file("l2/cache/z", 500)
        try file("out/manifest.json", 0)
        try Data(#"[{"Config":"c.json","RepoTags":[],"Layers":["l1/layer.tar","l2/layer.tar"]}]"#.utf8)
            .write(to: root.appendingPathComponent("out/manifest.json"))
        for layer in ["l1", "l2"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("out/\(layer)"), withIntermediateDirectories: true)
            let tar = try await ProcessRunner.run(
                "/bin/tar", ["-cf", root.appendingPathComponent("out/\(layer)/layer.tar").path, "-C", layer, "."],
                workingDirectory: directory.path)
            try #require(tar.succeeded, "\(tar.error)")
        }
        let archive = root.appendingPathComponent("image.tar")
        let outer = try await ProcessRunner.run(
            "/bin/tar", ["-cf", archive.path, "-C", "out", "manifest.json", "l1/layer.tar", "l2/layer.tar"],
            workingDirectory: directory.path)
        try #require(outer.succeeded, "\(outer.error)")

        let size = try CompressedSizeMeter(workDirectory: root).measure(archive: archive)
        #expect(size.layers.map(\.path) == ["l1/layer.tar", "l2/layer.tar"])
        #expect(size.waste.totalBytes == 100_000 + 3_000 + 2_000 + 1_000 + 10 + 500)
        #expect(size.waste.wastedBytes == 100_000 + 3_000 + 2_000 + 1_000)
        #expect(abs(size.waste.efficiency - 510.0 / 106_510.0) < 1e-9)
        #expect(size.compressedBytes > 0 && size.compressedBytes < size.layerBytes)
    }

    @Test("No later layer, no waste")
    func singleLayer() {
        let waste = LayerWaste.measure(layers: [[(path: "./a", size: 10), (path: "b/c", size: 5)]])
        #expect(waste == LayerWaste(wastedBytes: 0, totalBytes: 15))
        #expect(waste.efficiency == 1)
    }
}
