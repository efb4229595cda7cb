import Foundation

/// Percentile bootstrap confidence intervals, deterministic for a seed.
///
/// Each interval resamples the values with replacement `resamples` times, computes the statistic on every
/// resample and takes the `(1 - level) / 2` and `(1 + level) / 2` quantiles (linear interpolation, numpy's default)
/// of those statistics. Percentile intervals of extreme statistics are known to be poor: the interval of `max`
/// can never exceed the sample maximum, and `p95` of a handful of samples is close to the maximum. They are
/// still the honest default for medians and ratios of medians at the sample sizes a benchmark has (5–30).
public struct Bootstrap: Sendable, Equatable {
    /// How many resamples to draw (2000 gives stable 95% endpoints).
    public var resamples: Int
    /// The nominal coverage, in (0, 1).
    public var level: Double
    /// The seed of the resampling stream: the same seed and input give the same interval.
    public var seed: UInt64

    /// A bootstrap with `resamples` resamples at `level` coverage, seeded with `seed`.
    public init(resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0x5eed) {
        self.resamples = resamples
        self.level = level
        self.seed = seed
    }

    /// The interval of `statistic`, which receives each resample sorted ascending.
    ///
    /// - Returns: nil when there are fewer than 2 values, a value is not finite, or `resamples`/`level` are out of
    ///   range.
    public func interval(of values: [Double], statistic: ([Double]) -> Double) -> ConfidenceInterval? {
        guard isUsable, values.count >= 2, values.allSatisfy(\.isFinite) else { return nil }
        var generator = SeededGenerator(seed: seed)
        var buffer = [Double](repeating: 0, count: values.count)
        var statistics: [Double] = []
        statistics.reserveCapacity(resamples)
        for _ in 0..<resamples {
            Bootstrap.resample(values, into: &buffer, using: &generator)
            statistics.append(statistic(buffer))
        }
        return makeInterval(estimate: statistic(values.sorted()), statistics: statistics)
    }

    /// The interval of one of the budget statistics (`median`, `p95`, `max`, `mean`; `value` is the median).
    public func interval(of values: [Double], _ statistic: BudgetStatistic) -> ConfidenceInterval? {
        interval(of: values) { statistic.of(sorted: $0) }
    }

    /// The interval of `statistic(numerator) / statistic(denominator)` for two independent samples, each resampled
    /// on its own.
    ///
    /// - Returns: nil when either sample has fewer than 2 values or a non-finite value, when the denominator's
    ///   statistic is zero, or when `resamples`/`level` are out of range.
    public func ratioInterval(
        numerator: [Double], denominator: [Double], statistic: ([Double]) -> Double
    ) -> ConfidenceInterval? {
        guard isUsable, numerator.count >= 2, denominator.count >= 2,
            numerator.allSatisfy(\.isFinite), denominator.allSatisfy(\.isFinite)
        else { return nil }
        let estimateDenominator = statistic(denominator.sorted())
        guard estimateDenominator != 0 else { return nil }
        let estimate = statistic(numerator.sorted()) / estimateDenominator
        var generator = SeededGenerator(seed: seed)
        var top = [Double](repeating: 0, count: numerator.count)
        var bottom = [Double](repeating: 0, count: denominator.count)
        var statistics: [Double] = []
        statistics.reserveCapacity(resamples)
        for _ in 0..<resamples {
            Bootstrap.resample(numerator, into: &top, using: &generator)
            Bootstrap.resample(denominator, into: &bottom, using: &generator)
            statistics.append(statistic(top) / statistic(bottom))
        }
        return makeInterval(estimate: estimate, statistics: statistics)
    }

    /// The interval of a ratio of one budget statistic between two independent samples.
    public func ratioInterval(
        numerator: [Double], denominator: [Double], _ statistic: BudgetStatistic
    ) -> ConfidenceInterval? {
        ratioInterval(numerator: numerator, denominator: denominator) { statistic.of(sorted: $0) }
    }

    /// The interval of `median(numerator) / median(denominator)` for two independent samples.
    public func ratioOfMedians(numerator: [Double], denominator: [Double]) -> ConfidenceInterval? {
        ratioInterval(numerator: numerator, denominator: denominator, .median)
    }

    private var isUsable: Bool {
        resamples >= 1 && level > 0 && level < 1
    }

    /// Fills `buffer` with a sorted resample of `values` drawn with replacement.
    private static func resample(
        _ values: [Double], into buffer: inout [Double], using generator: inout SeededGenerator
    ) {
        for index in buffer.indices {
            buffer[index] = values[generator.nextIndex(below: values.count)]
        }
        buffer.sort()
    }

    private func makeInterval(estimate: Double, statistics: [Double]) -> ConfidenceInterval? {
        // A resample whose denominator statistic is 0 gives ±inf or NaN; NaN cannot be ordered, infinities can.
        let ordered = statistics.filter { !$0.isNaN }.sorted()
        guard !ordered.isEmpty, !estimate.isNaN else { return nil }
        let tail = (1 - level) / 2
        return ConfidenceInterval(
            estimate: estimate,
            low: Summary.quantile(sorted: ordered, tail),
            high: Summary.quantile(sorted: ordered, 1 - tail),
            level: level
        )
    }
}
