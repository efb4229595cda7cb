import Foundation

/// Where and how a trial was measured: which clock timed it, where the readiness probe ran and what it reached,
/// and where the memory figures came from. A remote engine's figures differ in kind from a local one's (a probe
/// across the network includes the network; the Engine API's stats are coarser than the cgroup files), so every
/// trial says which it was instead of leaving a reader to guess.
public struct MeasurementProvenance: Sendable, Codable, Equatable {
    /// Where the readiness probe ran, relative to the engine's host.
    public enum ProbeOrigin: String, Sendable, Codable {
        /// On the engine's host, to 127.0.0.1: the phases are the service's own, plus loopback.
        case engineHost = "engine-host"
        /// On this (the client) host, across the network to the engine's host: each phase includes the network's
        /// latency (one way for first TCP, a round trip for ready).
        case acrossNetwork = "across-network"
    }

    /// Where memory figures came from.
    public enum MemorySource: String, Sendable, Codable {
        /// The container's cgroup files on the engine's host, read by the harness there (40 Hz, the kernel's peak).
        case cgroupFiles = "cgroup-files"
        /// The container's cgroup files on a remote engine's host, read there by a helper container of the harness
        /// (`EngineHostMemorySampler`): 40 Hz and the kernel's peak, times stamped when the lines arrive here.
        case helperContainer = "helper-container"
        /// The Engine API's stats stream (`GET /containers/{id}/stats`): about one sample a second, and the peak is
        /// the kernel's only where the engine reports it (Docker on cgroup v1), else the largest sample.
        case engineStats = "engine-stats"
        /// A scripted or other sampler (tests).
        case other
        /// Not measured.
        case none
    }

    /// The clock every phase is a reading of, and where it runs ("CLOCK_MONOTONIC on the client host").
    public var clock: String
    public var probeOrigin: ProbeOrigin
    /// What the probe connected to (`127.0.0.1:8080`, `bench-host:8080`).
    public var probeTarget: String
    public var memorySource: MemorySource
    /// The sampler's nominal interval, seconds (0.025 for the cgroup files, about 1 for the Engine API's stats).
    public var memoryIntervalSeconds: Double?
    /// Whose wall clock stamped the engine's own times (`running` from StartedAt, `healthy` and exits from
    /// events), mapped onto `clock`: this host's, or a remote engine host's, whose offset from ours enters them.
    public var engineTimestamps: String?

    /// A provenance; see the properties.
    public init(
        clock: String, probeOrigin: ProbeOrigin, probeTarget: String, memorySource: MemorySource,
        memoryIntervalSeconds: Double?, engineTimestamps: String? = nil
    ) {
        self.clock = clock
        self.probeOrigin = probeOrigin
        self.probeTarget = probeTarget
        self.memorySource = memorySource
        self.memoryIntervalSeconds = memoryIntervalSeconds
        self.engineTimestamps = engineTimestamps
    }
}
