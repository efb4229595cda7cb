import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Testing

/// `--cold-cache` really empties the page cache: a file read into the cache is resident (mincore) before the
/// drop and not after it, and the trial records that it ran cold.
@Suite("Measure: cold page cache", .serialized)
struct MeasureColdCacheTests {
    @Test("dropPageCache evicts a cached file's pages")
    func dropEvictsPages() throws {
        try #require(getuid() == 0, "dropping caches needs root; the test machines run as root")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/cached.bin"
        let size = 16 * 1024 * 1024
        try Data(repeating: 7, count: size).write(to: URL(fileURLWithPath: path))
        _ = try Data(contentsOf: URL(fileURLWithPath: path))  // read: now in the page cache
        let before = try Self.residentFraction(path)
        #expect(before > 0.9, "the file should be cached after writing and reading it, resident \(before)")
        #expect(StartupTrialRunner.dropPageCache())
        let after = try Self.residentFraction(path)
        #expect(after < 0.05, "after drop_caches \(after) of the file is still resident")
    }

    @Test("A cold-cache trial is recorded as cold")
    func trialRecordedCold() async throws {
        let engine = try await ProofFixture.engine()
        _ = try await ProofFixture.shared.build(driver: "uv")
        let runner = StartupTrialRunner(
            engine: engine, events: nil, runID: "proof-cold", options: TrialOptions(coldCache: true),
            logger: Logger(label: "proof"))
        let port = ProofFixture.startupPort + 1
        let record = await runner.run(
            TrialTarget(
                image: ProofFixture.tag("uv"), service: "fixture", driver: "uv", port: port,
                health: HealthSpec(path: "/health"), readyTimeout: 30, memoryWindow: 0,
                environment: ["FIXTURE_PORT": String(port)]),
            index: 0)
        #expect(record.succeeded, "\(record.failure?.description ?? "")")
        #expect(record.coldCache)
    }

    /// The fraction of `path`'s pages in the page cache (mmap + mincore).
    static func residentFraction(_ path: String) throws -> Double {
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0, "cannot open \(path)")
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let length = Int(info.st_size)
        let mapped = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0)
        try #require(mapped != MAP_FAILED, "mmap failed")
        defer { munmap(mapped, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (length + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        try #require(mincore(mapped, length, &vector) == 0, "mincore failed")
        return Double(vector.filter { $0 & 1 == 1 }.count) / Double(pages)
    }
}
