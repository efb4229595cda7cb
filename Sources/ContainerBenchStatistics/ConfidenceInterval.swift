import Foundation

/// A two-sided confidence interval around a point estimate.
public struct ConfidenceInterval: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The statistic computed on the original sample(s).
    public var estimate: Double
    public var low: Double
    public var high: Double
    /// The nominal coverage, e.g. 0.95.
    public var level: Double

    /// An interval `[low, high]` at `level` around `estimate`.
    public init(estimate: Double, low: Double, high: Double, level: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
        self.level = level
    }

    /// Whether `value` lies inside the closed interval.
    public func contains(_ value: Double) -> Bool {
        low <= value && value <= high
    }

    public var description: String {
        "\(estimate) [\(low), \(high)] (\(Int((level * 100).rounded()))%)"
    }
}
