import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Memory measured against ground truth: the fixture with FIXTURE_ALLOCATE_MB=256 allocates and touches 256 MiB
/// before it listens. The same image idle is measured in the same test; the allocating trial's peaks must equal
/// idle + 256 MiB within 5 % (cgroup v1: memory.max_usage_in_bytes for the kernel peak, usage − inactive file for
/// the working set; cgroup v2: memory.peak and memory.current). A warm-up trial runs first: page cache is charged
/// to the first container that reads a file, which would otherwise inflate the idle baseline.
@Suite("Ground truth: memory (real engine)", .serialized)
struct GroundTruthMemoryTests {
    static let allocation: Int64 = 256 * 1024 * 1024
    static let tolerance = 0.05

    @Test("The sampled peaks equal the idle baseline plus the allocation, within 5 %")
    func peaksMatchAllocation() async throws {
        let engine = try await ProofFixture.engine()
        _ = try await ProofFixture.shared.build(driver: "uv")
        let image = ProofFixture.tag("uv")
        // cgroup v1 charges a page-cache page to the first cgroup that reads it: the first container after a build
        // pays for reading Python and the venv from disk, later ones do not. A discarded warm-up trial puts both
        // measured trials on the same footing.
        _ = try await Self.memory(engine: engine, image: image, environment: [:])
        let idle = try await Self.memory(engine: engine, image: image, environment: [:])
        let loaded = try await Self.memory(
            engine: engine, image: image, environment: ["FIXTURE_ALLOCATE_MB": String(Self.allocation >> 20)])
        for (name, idleBytes, loadedBytes) in [
            ("working set peak", idle.workingSetPeakBytes, loaded.workingSetPeakBytes),
            ("kernel peak", idle.peakBytes, loaded.peakBytes),
            ("rss peak", idle.rssPeakBytes, loaded.rssPeakBytes),
        ] {
            let expected = Double(idleBytes + Self.allocation)
            let error = (Double(loadedBytes) - expected) / expected
            print(
                "ground truth memory: \(name): idle \(idleBytes >> 20) MiB, with 256 MiB \(loadedBytes >> 20) MiB, "
                    + "expected \(Int64(expected) >> 20) MiB, error \(String(format: "%+.2f", error * 100)) %")
            #expect(abs(error) <= Self.tolerance, "\(name): \(loadedBytes) vs expected \(Int64(expected))")
        }
        // The sampler kept its rate: 25 ms nominal, one file read costs ~5 ms on cgroup v1.
        #expect(loaded.meanIntervalSeconds > 0.02 && loaded.meanIntervalSeconds < 0.05, "\(loaded.meanIntervalSeconds)")
    }

    static func memory(
        engine: DockerEngine, image: String, environment: [String: String]
    ) async throws -> MemorySummary {
        let observations = try await GroundTruthStartupTests.observe(
            engine: engine, image: image, port: ProofFixture.memoryPort, trials: 1, environment: environment,
            memoryWindow: 1.0)
        let record = try #require(observations.first?.record)
        try #require(record.succeeded, "trial failed: \(record.failure?.description ?? "?")")
        return try #require(record.memory, "no memory summary: cgroup files not found")
    }
}
