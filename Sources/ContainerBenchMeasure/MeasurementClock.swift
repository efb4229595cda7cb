import ContainerBenchSupport
import Foundation

/// The clock a trial is timed with: every phase is a difference of two of its readings. The real one is
/// CLOCK_MONOTONIC (shared with processes in containers); the test-support target's virtual clock lets the session's
/// unit tests run trials of scripted containers in no real time.
public protocol MeasurementClock: Sendable {
    /// Now, in seconds since an arbitrary point.
    func now() -> Double

    /// Waits `seconds` (returns early, without throwing, when the task is cancelled).
    func sleep(seconds: Double) async

    /// A wall-clock date (the engine's StartedAt, an event's time) on this clock.
    func reading(ofWallDate date: Date) -> Double

    /// Which clock, and on which host it runs (recorded with every trial).
    var provenance: String { get }
}

extension MeasurementClock {
    /// The clock's type name.
    public var provenance: String { "\(type(of: self))" }
}

/// CLOCK_MONOTONIC and `Task.sleep`.
public struct MonotonicMeasurementClock: MeasurementClock {
    /// The system's monotonic clock.
    public init() {}

    public func now() -> Double { MonotonicClock.now() }

    public func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .microseconds(Int(seconds * 1_000_000)))
    }

    public func reading(ofWallDate date: Date) -> Double { MonotonicClock.monotonic(fromWall: date) }

    /// CLOCK_MONOTONIC of the host running containerbench.
    public var provenance: String { "CLOCK_MONOTONIC on the host running containerbench" }
}
