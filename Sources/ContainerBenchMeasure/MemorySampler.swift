import ContainerBenchModel
import Foundation

/// Starts recording a container's memory.
public protocol MemorySampler: Sendable {
    /// Starts recording container `containerID`; sample times are seconds since `origin` on the trial's clock.
    /// - Returns: nil when the container's memory cannot be read (the trial then records no memory, with a warning).
    func start(containerID: String, origin: Double) -> (any MemoryRecording)?

    /// Where its figures come from (recorded with every trial).
    var source: MeasurementProvenance.MemorySource { get }

    /// Its nominal interval between samples, seconds.
    var nominalInterval: Double? { get }
}

extension MemorySampler {
    /// Other (a scripted sampler).
    public var source: MeasurementProvenance.MemorySource { .other }

    /// Unknown.
    public var nominalInterval: Double? { nil }
}

/// A running recording of one container's memory.
public protocol MemoryRecording: Sendable {
    /// The samples taken so far.
    var samples: [MemorySample] { get }

    /// Stops recording and reads the kernel's peak counter (call before the container stops).
    /// - Returns: the summary (nil when not a single sample was read) and the timeline.
    func stop() async -> (summary: MemorySummary?, samples: [MemorySample])

    /// Where this recording's figures come from, when it differs from its sampler's (a fallback); nil otherwise.
    var source: MeasurementProvenance.MemorySource? { get }
}

extension MemoryRecording {
    /// Its sampler's.
    public var source: MeasurementProvenance.MemorySource? { nil }
}
