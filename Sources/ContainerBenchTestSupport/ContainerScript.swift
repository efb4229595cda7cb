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

    /// A script; by default a service that listens after 0.1 s and is ready after 0.2 s, using 50 MB.
    public init(
        listenAfter: Double = 0.1, readyAfter: Double? = 0.2, statusBeforeReady: Int = 503,
        healthyAfter: Double? = nil, unhealthyAfter: Double? = nil, exitAfter: Double? = nil, exitCode: Int = 0,
        memoryBytes: Int64 = 50_000_000, peakBytes: Int64? = nil, logs: String = "listening"
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
    }
}
