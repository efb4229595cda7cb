import Foundation

/// The binomial distribution of the number of successes in `trials` independent trials of probability
/// `probability` each.
public struct BinomialDistribution: Sendable, Equatable {
    /// The number of trials, at least 0.
    public var trials: Int
    /// The success probability of each trial, in [0, 1].
    public var probability: Double

    /// Bin(`trials`, `probability`).
    public init(trials: Int, probability: Double) {
        self.trials = trials
        self.probability = probability
    }

    /// P(X ≤ k) (`scipy.stats.binom.cdf(k, n, p)`).
    public func cdf(atMost k: Int) -> Double {
        if k < 0 { return 0 }
        if k >= trials { return 1 }
        if probability <= 0 { return 1 }
        if probability >= 1 { return 0 }
        return SpecialFunctions.regularizedIncompleteBeta(
            1 - probability, a: Double(trials - k), b: Double(k + 1))
    }

    /// P(X ≥ k) (`scipy.stats.binom.sf(k - 1, n, p)`), precise in the upper tail.
    public func survival(atLeast k: Int) -> Double {
        if k <= 0 { return 1 }
        if k > trials { return 0 }
        if probability <= 0 { return 0 }
        if probability >= 1 { return 1 }
        return SpecialFunctions.regularizedIncompleteBeta(probability, a: Double(k), b: Double(trials - k + 1))
    }

    /// P(X = k) (`scipy.stats.binom.pmf`).
    public func probability(of k: Int) -> Double {
        guard k >= 0, k <= trials else { return 0 }
        if probability <= 0 { return k == 0 ? 1 : 0 }
        if probability >= 1 { return k == trials ? 1 : 0 }
        let n = Double(trials)
        let logChoose =
            SpecialFunctions.logGamma(n + 1) - SpecialFunctions.logGamma(Double(k) + 1)
            - SpecialFunctions.logGamma(n - Double(k) + 1)
        return exp(logChoose + Double(k) * log(probability) + (n - Double(k)) * log1p(-probability))
    }
}
