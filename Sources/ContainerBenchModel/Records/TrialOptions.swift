import Foundation

/// How trials are run.
public struct TrialOptions: Sendable, Equatable {
    /// Seconds between readiness probes (5 ms by default).
    public var probeInterval: Double
    /// Drop the page cache before each trial (needs root); recorded with the trial.
    public var coldCache: Bool
    /// Overrides the image's HEALTHCHECK interval in trials; nil (the default) keeps the image's own, so `healthy` is
    /// what an orchestrator would see. A short interval times `healthy` finely but runs the check command that
    /// often inside the container while it starts, which costs the service CPU and adds the check's memory to the
    /// container's (measured: a Python check every 100 ms put a 10 MB sawtooth on analytics' working set).
    public var healthInterval: Double?
    /// Container memory limit in bytes; nil for none.
    public var memoryLimit: Int64?
    /// Container CPU limit; nil for none.
    public var cpuLimit: Double?
    /// Memory sampling interval in seconds (25 ms = 40 Hz).
    public var sampleInterval: Double

    public init(
        probeInterval: Double = 0.005, coldCache: Bool = false, healthInterval: Double? = nil,
        memoryLimit: Int64? = nil, cpuLimit: Double? = nil, sampleInterval: Double = 0.025
    ) {
        self.probeInterval = probeInterval
        self.coldCache = coldCache
        self.healthInterval = healthInterval
        self.memoryLimit = memoryLimit
        self.cpuLimit = cpuLimit
        self.sampleInterval = sampleInterval
    }

    /// "none", or the limits applied, for the environment fingerprint.
    public var limitsDescription: String {
        var parts: [String] = []
        if let memoryLimit { parts.append("memory=\(memoryLimit)") }
        if let cpuLimit { parts.append("cpus=\(cpuLimit)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}
