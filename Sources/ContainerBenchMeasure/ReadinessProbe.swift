import ContainerBenchModel
import Foundation

/// One attempt of the readiness probe.
public struct ProbeAttempt: Sendable, Equatable {
    /// When the attempt started (on the measurement clock).
    public var startedAt: Double
    /// When the TCP connection was accepted, if it was.
    public var connectedAt: Double?
    /// The HTTP status, or nil when no response arrived.
    public var status: Int?
    /// When the attempt ended.
    public var endedAt: Double

    /// An attempt; see the properties.
    public init(startedAt: Double, connectedAt: Double?, status: Int?, endedAt: Double) {
        self.startedAt = startedAt
        self.connectedAt = connectedAt
        self.status = status
        self.endedAt = endedAt
    }
}

/// Asks one service whether it is ready, one attempt at a time; the attempt stamps its own times, so the hop onto
/// and off a thread does not enter the figures.
public protocol ReadinessProbe: Sendable {
    /// What is probed (`http://127.0.0.1:PORT/PATH`).
    var url: String { get }

    /// Makes one attempt.
    func attempt() async -> ProbeAttempt
}

/// Makes readiness probes, and tells whether a port is already taken before a trial starts (a probe would then
/// measure whatever holds it).
public protocol ReadinessProbeFactory: Sendable {
    /// A probe of `path` on the service host's `port` (127.0.0.1 for a local engine).
    /// - Throws: `MeasureError` when the probe cannot be made (libcurl cannot be initialised).
    func makeProbe(port: Int, path: String) throws -> any ReadinessProbe

    /// Whether anything accepts connections on the service host's `port` now.
    func portIsTaken(_ port: Int) -> Bool

    /// The host probes connect to: 127.0.0.1, or the engine host's address for a remote engine.
    var host: String { get }

    /// Where the probes run relative to the engine's host.
    var origin: MeasurementProvenance.ProbeOrigin { get }
}

extension ReadinessProbeFactory {
    /// 127.0.0.1.
    public var host: String { "127.0.0.1" }

    /// On the engine's host.
    public var origin: MeasurementProvenance.ProbeOrigin { .engineHost }
}
