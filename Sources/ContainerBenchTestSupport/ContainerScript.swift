import ContainerBench
import Foundation

/// How a container of an in-memory image behaves once started, in seconds after its start.
public struct ContainerScript: Sendable, Equatable {
    /// When the port accepts connections.
    public var listenAfter: Double
    /// When the health path answers 2xx (`ready`); never when nil.
    public var readyAfter: Double?
    /// The status the health path answers between listening and ready.
    public var statusBeforeReady: Int
    /// When the engine reports `healthy` (images with a HEALTHCHECK); never when nil.
    public var healthyAfter: Double?
    /// When the engine reports `unhealthy`; never when nil.
    public var unhealthyAfter: Double?
    /// When the process exits, and with which code; never when nil.
    public var exitAfter: Double?
    public var exitCode: Int
    /// The memory the container uses once ready (before, it grows linearly from 10% of it).
    public var memoryBytes: Int64
    /// The kernel's peak counter at the end (at least `memoryBytes`).
    public var peakBytes: Int64?
    /// What `logs` returns.
    public var logs: String
    /// The relative spread of `listenAfter`, `readyAfter` and `memoryBytes` from container to container (log-normal,
    /// seeded by the container's number): real trials are never identical.
    public var jitter: Double

    /// A script; by default a service that listens after 0.1 s and is ready after 0.2 s, using 50 MB.
    public init(
        listenAfter: Double = 0.1, readyAfter: Double? = 0.2, statusBeforeReady: Int = 503,
        healthyAfter: Double? = nil, unhealthyAfter: Double? = nil, exitAfter: Double? = nil, exitCode: Int = 0,
        memoryBytes: Int64 = 50_000_000, peakBytes: Int64? = nil, logs: String = "listening", jitter: Double = 0.03
    ) {
        self.listenAfter = listenAfter
        self.readyAfter = readyAfter
        self.statusBeforeReady = statusBeforeReady
        self.healthyAfter = healthyAfter
        self.unhealthyAfter = unhealthyAfter
        self.exitAfter = exitAfter
        self.exitCode = exitCode
        self.memoryBytes = memoryBytes
        self.peakBytes = peakBytes
        self.logs = logs
        self.jitter = jitter
    }

    /// This script as container number `ordinal` runs it: the times and memory scaled by one log-normal draw.
    public func jittered(ordinal: Int) -> ContainerScript {
        guard jitter > 0 else { return self }
        var generator = SeededGenerator(seed: 0x7e57 &+ UInt64(ordinal) &* 0x9e37_79b9)
        let factor = exp(jitter * generator.nextNormal())
        var script = self
        script.listenAfter *= factor
        script.readyAfter = readyAfter.map { $0 * factor }
        script.memoryBytes = Int64(Double(memoryBytes) * exp(jitter / 3 * generator.nextNormal()))
        return script
    }
}
