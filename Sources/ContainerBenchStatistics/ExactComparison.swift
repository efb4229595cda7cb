import Foundation

/// Exact metrics (image bytes, compressed bytes) have no sampling noise: they change when they change by more
/// than an absolute tolerance, not by a percentage (a 22 MB growth of a 450 MB image is a change).
public struct ExactComparison: Sendable, Equatable, Codable {
    /// What the comparison found.
    public enum Change: String, Sendable, Codable, CaseIterable {
        /// Larger by more than the tolerance.
        case regression
        /// Smaller by more than the tolerance.
        case improvement
        /// Within the tolerance.
        case unchanged
    }

    /// The largest absolute difference that is not a change (default 1 MiB).
    public var tolerance: Double

    /// A comparison with `tolerance` in the metric's unit.
    public init(tolerance: Double = 1_048_576) {
        self.tolerance = tolerance
    }

    /// `current` against `baseline`: a regression when larger by more than `tolerance`, an improvement when
    /// smaller by more, unchanged otherwise (also for non-finite input, which is not a measurement).
    public func compare(current: Double, baseline: Double) -> Change {
        let difference = current - baseline
        guard difference.isFinite else { return .unchanged }
        if difference > tolerance { return .regression }
        if -difference > tolerance { return .improvement }
        return .unchanged
    }
}
