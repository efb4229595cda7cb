import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The two samplers a remote engine's trials use, checked against what a container allocates: each sees a
/// 64 MiB allocation in its peak. Run on the shared dockerd through its API (they never read local files).
@Suite("Remote memory samplers (engine)", .serialized)
struct RemoteMemorySamplerTests {
    @Test(arguments: ["helper", "stats"])
    func peakSeesAnAllocation(sampler kind: String) async throws {
        let engine = try await EngineRequirement.engine()
        let runID = RunRecord.makeID()
        let id = try await engine.createContainer(
            ContainerSpec(
                image: "containerbench/python:3.11-bookworm",
                command: ["python3", "-c", "import time\ntime.sleep(0.5)\nx = bytearray(64 << 20)\ntime.sleep(60)"],
                labels: [ContainerLabels.managed: "1", ContainerLabels.run: runID], networkMode: "none"))
        defer { Task { try? await engine.removeContainer(id) } }
        try await engine.startContainer(id)
        let origin = MonotonicClock.now()
        let sampler: any MemorySampler =
            kind == "helper" ? EngineHostMemorySampler(engine: engine) : EngineStatsMemorySampler(engine: engine)
        let recording = try #require(sampler.start(containerID: id, origin: origin))
        // The helper is made on first use (a container start, then exec and Python): on a loaded machine its first
        // line can take seconds. Wait for 20 lines (or 20 s), then stop while the container still runs.
        let deadline = MonotonicClock.now() + 20
        try await Task.sleep(for: .seconds(1.5))
        while kind == "helper" && recording.samples.count < 20 && MonotonicClock.now() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let (summary, samples) = await recording.stop()
        try await engine.removeContainer(id)
        let memory = try #require(summary)
        #expect(memory.peakBytes >= 64 << 20, "\(memory)")
        #expect(memory.peakBytes < 200 << 20, "\(memory)")
        #expect(samples.allSatisfy { $0.t >= 0 })
        if kind == "helper" {
            #expect(recording.source == nil || recording.source == .helperContainer)
            #expect(memory.sampleCount >= 20, "\(memory)")
            #expect(memory.meanIntervalSeconds < 0.06, "\(memory)")
        } else {
            #expect(sampler.source == .engineStats)
            #expect(memory.sampleCount >= 1)
        }
    }
}
