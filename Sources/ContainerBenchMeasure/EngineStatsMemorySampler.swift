import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Synchronization

/// Records containers' memory from the Engine API's stats stream (`GET /containers/{id}/stats`): the sampler for
/// engines whose cgroup files are on another host (tcp://, ssh://). Coarser than the cgroup files: the engine
/// samples about once a second, so a startup's short peak can fall between samples. The peak is the kernel's own
/// counter where the engine reports it (`memory_stats.max_usage`: Docker on cgroup v1), else the largest sample; a
/// last one-shot read at `stop()` makes sure even a short window has one. Every trial records this as its
/// `memorySource` (`engine-stats`) with the interval.
public struct EngineStatsMemorySampler: MemorySampler {
    /// The engine whose stats are read.
    public let engine: DockerEngine

    /// A sampler of `engine`'s stats.
    public init(engine: DockerEngine) {
        self.engine = engine
    }

    public var source: MeasurementProvenance.MemorySource { .engineStats }

    /// About a second: the engine's own collection tick.
    public var nominalInterval: Double? { 1.0 }

    public func start(containerID: String, origin: Double) -> (any MemoryRecording)? {
        EngineStatsMemoryRecording(connection: engine.connection, containerID: containerID, origin: origin)
    }
}

/// One container's stats stream on a thread of its own, with its own curl handle.
public final class EngineStatsMemoryRecording: MemoryRecording {
    private struct State {
        var samples: [MemorySample] = []
        var peak: Int64?
        var stopped = false
    }

    private final class Box: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    private let state = Box()
    private let finished = DispatchSemaphore(value: 0)
    private let connection: EngineConnection
    private let containerID: String
    private let origin: Double

    init(connection: EngineConnection, containerID: String, origin: Double) {
        self.connection = connection
        self.containerID = containerID
        self.origin = origin
        let path = "/v\(DockerEngine.minimumAPIVersion)/containers/\(containerID)/stats?stream=true"
        let thread = Thread { [state, finished] in
            defer { finished.signal() }
            guard let curl = try? CurlEasy() else { return }
            var buffer = Data()
            _ = connection.perform(
                curl, path: path, timeout: 0,
                onChunk: { chunk in
                    buffer.append(chunk)
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        let line = Data(buffer[buffer.startIndex..<newline])
                        buffer.removeSubrange(buffer.startIndex...newline)
                        Self.record(line, origin: origin, into: state)
                    }
                    return !state.withLock { $0.stopped }
                },
                shouldAbort: { state.withLock { $0.stopped } })
        }
        thread.name = "containerbench-stats"
        thread.start()
    }

    public var samples: [MemorySample] { state.withLock { $0.samples } }

    public func stop() async -> (summary: MemorySummary?, samples: [MemorySample]) {
        let (connection, containerID, origin, state, finished) = (
            self.connection, self.containerID, self.origin, self.state, self.finished
        )
        await runOnBackgroundThread {
            // One last reading while the container still runs: the current usage, and the kernel's peak counter
            // where the engine reports it.
            if let curl = try? CurlEasy() {
                let response = connection.perform(
                    curl,
                    path: "/v\(DockerEngine.minimumAPIVersion)/containers/\(containerID)/stats?stream=false"
                        + "&one-shot=true", timeout: 5)
                if response.status == 200 { Self.record(response.body, origin: origin, into: state) }
            }
            state.withLock { $0.stopped = true }
            _ = finished.wait(timeout: .now() + 3)
        }
        let (samples, peak) = state.withLock { ($0.samples, $0.peak) }
        return (MemorySummary(samples: samples, kernelPeak: peak), samples)
    }

    private static func record(_ line: Data, origin: Double, into state: Box) {
        guard let reading = parse(line) else { return }
        let sample = MemorySample(
            t: MonotonicClock.now() - origin, usageBytes: reading.usage, workingSetBytes: reading.workingSet,
            rssBytes: reading.rss, cacheBytes: reading.cache)
        state.withLock { state in
            state.samples.append(sample)
            if let peak = reading.peak { state.peak = max(state.peak ?? 0, peak) }
        }
    }

    /// One stats object's memory: usage, working set (usage − inactive file), RSS, cache, and the kernel's peak
    /// when reported. Nil when the object has no memory usage (a container that has stopped reports zeros).
    package static func parse(
        _ line: Data
    ) -> (usage: Int64, workingSet: Int64, rss: Int64, cache: Int64, peak: Int64?)? {
        struct Stats: Decodable {
            struct Memory: Decodable {
                var usage: Int64?
                var maxUsage: Int64?
                var stats: [String: Int64]?
                enum CodingKeys: String, CodingKey {
                    case usage, stats
                    case maxUsage = "max_usage"
                }
            }
            var memoryStats: Memory?
            enum CodingKeys: String, CodingKey { case memoryStats = "memory_stats" }
        }
        guard let decoded = try? JSONDecoder().decode(Stats.self, from: line), let memory = decoded.memoryStats,
            let usage = memory.usage, usage > 0
        else { return nil }
        let fields = memory.stats ?? [:]
        let inactive = fields["total_inactive_file"] ?? fields["inactive_file"] ?? 0
        let rss = fields["total_rss"] ?? fields["rss"] ?? fields["anon"] ?? 0
        let cache = fields["total_cache"] ?? fields["cache"] ?? fields["file"] ?? 0
        return (usage, max(0, usage - inactive), rss, cache, memory.maxUsage.flatMap { $0 > 0 ? $0 : nil })
    }
}
