import ContainerBench
import Foundation

/// Readiness probes of the in-memory engine's containers: an attempt answers what the running container's script
/// says at the clock's time, and costs `attemptSeconds` of virtual time.
public struct InMemoryProbes: ReadinessProbeFactory {
    public let engine: InMemoryContainerEngine
    /// Virtual seconds one attempt takes.
    public var attemptSeconds: Double

    /// Probes of `engine`'s containers.
    public init(engine: InMemoryContainerEngine, attemptSeconds: Double = 0.001) {
        self.engine = engine
        self.attemptSeconds = attemptSeconds
    }

    public func makeProbe(port: Int, path: String) throws -> any ReadinessProbe {
        Probe(engine: engine, port: port, path: path, attemptSeconds: attemptSeconds)
    }

    public func portIsTaken(_ port: Int) -> Bool {
        engine.isForeign(port) || engine.runningContainer(at: engine.clock.now()) != nil
    }

    struct Probe: ReadinessProbe {
        let engine: InMemoryContainerEngine
        let port: Int
        let path: String
        let attemptSeconds: Double

        var url: String { "http://127.0.0.1:\(port)\(path)" }

        func attempt() async -> ProbeAttempt {
            let clock = engine.clock
            let start = clock.now()
            clock.advance(by: attemptSeconds)
            let end = clock.now()
            guard let (script, started) = engine.runningContainer(at: start), start >= started + script.listenAfter
            else {
                return ProbeAttempt(startedAt: start, connectedAt: nil, status: nil, endedAt: end)
            }
            let ready = script.readyAfter.map { start >= started + $0 } ?? false
            return ProbeAttempt(
                startedAt: start, connectedAt: start + attemptSeconds / 2,
                status: ready ? 200 : script.statusBeforeReady, endedAt: end)
        }
    }
}

/// Memory recordings of the in-memory engine's containers, from their scripts: a working set that grows linearly to
/// the script's figure by ready, sampled every `interval` of virtual time.
public struct ScriptedMemorySampler: MemorySampler {
    public let engine: InMemoryContainerEngine
    public var interval: Double

    /// A sampler of `engine`'s containers.
    public init(engine: InMemoryContainerEngine, interval: Double = 0.025) {
        self.engine = engine
        self.interval = interval
    }

    public func start(containerID: String, origin: Double) -> (any MemoryRecording)? {
        guard let (script, started) = engine.runningContainer(at: engine.clock.now()) else { return nil }
        return Recording(
            engine: engine, script: script, startedAt: started, origin: origin, interval: interval,
            from: engine.clock.now())
    }

    struct Recording: MemoryRecording {
        let engine: InMemoryContainerEngine
        let script: ContainerScript
        let startedAt: Double
        let origin: Double
        let interval: Double
        let from: Double

        var samples: [MemorySample] { samples(until: engine.clock.now()) }

        func samples(until end: Double) -> [MemorySample] {
            var samples: [MemorySample] = []
            var time = from
            let readyAt = startedAt + (script.readyAfter ?? script.listenAfter)
            while time <= end {
                let share = readyAt > startedAt ? min(1, max(0.1, (time - startedAt) / (readyAt - startedAt))) : 1
                let bytes = Int64(Double(script.memoryBytes) * share)
                samples.append(
                    MemorySample(
                        t: time - origin, usageBytes: bytes + 1_000_000, workingSetBytes: bytes,
                        rssBytes: bytes * 9 / 10, cacheBytes: 1_000_000))
                time += interval
            }
            return samples
        }

        func stop() async -> (summary: MemorySummary?, samples: [MemorySample]) {
            let samples = samples(until: engine.clock.now())
            return (MemorySummary(samples: samples, kernelPeak: script.peakBytes), samples)
        }
    }
}
