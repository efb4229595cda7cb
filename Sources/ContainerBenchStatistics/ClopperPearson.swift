import Foundation

/// Exact (Clopper-Pearson) confidence bounds for a binomial probability from `successes` out of `trials`.
///
/// The one-sided upper bound at confidence c is the θ with P(X ≤ successes | trials, θ) = 1 - c, i.e.
/// `scipy.stats.beta.ppf(c, k + 1, n - k)`; with no successes it is 1 - (1 - c)^(1/n). Coverage is at least c for
/// every θ, which is what makes "passes at 95%" mean what it says.
public enum ClopperPearson {
    /// The one-sided upper confidence bound; 1 when every trial succeeded or there are no trials, NaN when `c` is
    /// not in (0, 1).
    public static func upperBound(successes k: Int, trials n: Int, confidence c: Double) -> Double {
        guard c > 0, c < 1 else { return .nan }
        guard n > 0, k < n else { return 1 }
        if k <= 0 { return -expm1(log1p(-c) / Double(n)) }
        // P(X ≤ k | θ) falls from 1 to 0 as θ rises: bisect for the θ where it equals 1 - c.
        return solve {
            BinomialDistribution(trials: n, probability: $0).cdf(atMost: k) - (1 - c)
        }
    }

    /// The one-sided lower confidence bound; 0 with no successes or no trials, NaN when `c` is not in (0, 1).
    public static func lowerBound(successes k: Int, trials n: Int, confidence c: Double) -> Double {
        guard c > 0, c < 1 else { return .nan }
        guard n > 0, k > 0 else { return 0 }
        if k >= n { return exp(log1p(-c) / Double(n)) }
        // P(X ≥ k | θ) rises from 0 to 1 with θ.
        return solve {
            (1 - c) - BinomialDistribution(trials: n, probability: $0).survival(atLeast: k)
        }
    }

    /// The two-sided interval at `level`: each bound one-sided at (1 + level) / 2.
    public static func interval(successes k: Int, trials n: Int, level: Double) -> ConfidenceInterval {
        let oneSided = (1 + level) / 2
        return ConfidenceInterval(
            estimate: n > 0 ? Double(k) / Double(n) : 0, low: lowerBound(successes: k, trials: n, confidence: oneSided),
            high: upperBound(successes: k, trials: n, confidence: oneSided), level: level)
    }

    /// The root in (0, 1) of a function that decreases through zero (positive at 0, negative at 1), by bisection
    /// to a relative precision of 1e-15.
    private static func solve(_ f: (Double) -> Double) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle <= low || middle >= high { break }
            if f(middle) > 0 { low = middle } else { high = middle }
            if high - low <= 1e-15 * high { break }
        }
        return (low + high) / 2
    }
}
