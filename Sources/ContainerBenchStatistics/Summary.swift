import Foundation

/// Descriptive statistics of one metric's samples.
public struct Summary: Sendable, Codable, Equatable {
    public var n: Int
    public var min: Double
    public var median: Double
    /// 95th percentile, linear interpolation between order statistics (numpy's default, R type 7).
    public var p95: Double
    public var max: Double
    public var mean: Double
    /// Median absolute deviation from the median (unscaled).
    public var mad: Double

    /// Summarises `values`; nil when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        n = sorted.count
        min = sorted[0]
        max = sorted[sorted.count - 1]
        median = Summary.quantile(sorted: sorted, 0.5)
        p95 = Summary.quantile(sorted: sorted, 0.95)
        mean = sorted.reduce(0, +) / Double(sorted.count)
        let center = median
        mad = Summary.quantile(sorted: sorted.map { abs($0 - center) }.sorted(), 0.5)
    }

    /// The value of `statistic` (`value` is the median: for exact metrics every sample is the same).
    public func value(of statistic: BudgetStatistic) -> Double {
        switch statistic {
        case .median, .value: return median
        case .p95: return p95
        case .max: return max
        case .mean: return mean
        }
    }

    /// The `q` quantile (0...1) of already sorted values, linear interpolation (R type 7).
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of no values")
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
