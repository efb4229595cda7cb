import Foundation

/// A distribution-free confidence bound for a population quantile: one order statistic of the sample, with the
/// exact probability (binomial, no assumption about the distribution) that it lies on the stated side of the
/// quantile.
///
/// The k-th smallest of n values is above the p-quantile unless at least k values fall below it, so it is an upper
/// bound with coverage P(Bin(n, p) ≤ k − 1). From few values no order statistic reaches the requested coverage;
/// then the most extreme one is returned with the coverage it does have (the maximum of 5 values bounds the p95
/// with 22.6%, not 95%), and `reachesConfidence` is false.
public struct QuantileBound: Sendable, Codable, Equatable {
    /// The bound, an observed value.
    public var value: Double
    /// Which order statistic it is (1 = the smallest).
    public var rank: Int
    /// The exact probability that the bound is on its side of the quantile.
    public var coverage: Double
    /// Whether `coverage` reaches the confidence asked for.
    public var reachesConfidence: Bool

    /// A bound with the given fields.
    public init(value: Double, rank: Int, coverage: Double, reachesConfidence: Bool) {
        self.value = value
        self.rank = rank
        self.coverage = coverage
        self.reachesConfidence = reachesConfidence
    }

    /// The smallest order statistic that is an upper bound of the `probability` quantile with at least
    /// `confidence`, or the maximum with its achieved coverage; nil for no values or parameters outside (0, 1).
    public static func upper(sorted values: [Double], probability p: Double, confidence: Double) -> QuantileBound? {
        let n = values.count
        guard n > 0, p > 0, p < 1, confidence > 0, confidence < 1 else { return nil }
        let binomial = BinomialDistribution(trials: n, probability: p)
        for rank in 1...n {
            let coverage = binomial.cdf(atMost: rank - 1)
            if coverage >= confidence {
                return QuantileBound(value: values[rank - 1], rank: rank, coverage: coverage, reachesConfidence: true)
            }
        }
        return QuantileBound(
            value: values[n - 1], rank: n, coverage: binomial.cdf(atMost: n - 1), reachesConfidence: false)
    }

    /// The largest order statistic that is a lower bound of the `probability` quantile with at least
    /// `confidence`, or the minimum with its achieved coverage.
    public static func lower(sorted values: [Double], probability p: Double, confidence: Double) -> QuantileBound? {
        let n = values.count
        guard n > 0, p > 0, p < 1, confidence > 0, confidence < 1 else { return nil }
        let binomial = BinomialDistribution(trials: n, probability: p)
        for rank in stride(from: n, through: 1, by: -1) {
            let coverage = binomial.survival(atLeast: rank)
            if coverage >= confidence {
                return QuantileBound(value: values[rank - 1], rank: rank, coverage: coverage, reachesConfidence: true)
            }
        }
        return QuantileBound(
            value: values[0], rank: 1, coverage: binomial.survival(atLeast: 1), reachesConfidence: false)
    }

    /// A two-sided interval for the `probability` quantile from two such bounds at (1 + level) / 2 each, labelled
    /// with its exact coverage P(r ≤ Bin(n, p) ≤ s − 1), which is below `level` when the sample is too small.
    public static func interval(sorted values: [Double], probability p: Double, level: Double) -> ConfidenceInterval? {
        let oneSided = (1 + level) / 2
        guard let low = lower(sorted: values, probability: p, confidence: oneSided),
            let high = upper(sorted: values, probability: p, confidence: oneSided)
        else { return nil }
        let binomial = BinomialDistribution(trials: values.count, probability: p)
        let coverage = binomial.cdf(atMost: high.rank - 1) - binomial.cdf(atMost: low.rank - 1)
        return ConfidenceInterval(
            estimate: Summary.quantile(sorted: values, p), low: low.value, high: high.value, level: coverage)
    }
}
