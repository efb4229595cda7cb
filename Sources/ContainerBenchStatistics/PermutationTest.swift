import Foundation

/// Two-sided permutation tests of two independent samples, for statistics without a closed-form null
/// distribution (a difference of medians, of p95s).
///
/// Follows `scipy.stats.permutation_test((x, y), statistic, permutation_type="independent",
/// alternative="two-sided", n_resamples=resamples)`: when every split of the pooled values into groups of the
/// original sizes can be enumerated within `resamples`, the test is exact (p = share of splits at least as
/// extreme on either side, doubled, capped at 1); otherwise `resamples` random splits are drawn and the observed
/// split is counted in, p = 2 · (count + 1) / (resamples + 1). Comparisons allow a relative slack of 100 ulps,
/// as scipy does, so that splits equal to the observed statistic up to rounding count as "as extreme".
public enum PermutationTest {
    /// The two-sided p-value of `statistic(x, y)` under exchangeability of the pooled values.
    ///
    /// - Parameters:
    ///   - resamples: random splits when exact enumeration would need more; at least 1.
    ///   - seed: fixes the random splits, so the p-value is reproducible.
    ///   - statistic: receives the two groups, unsorted.
    /// - Throws: `StatisticsError` for an empty or non-finite sample, or `resamples` below 1.
    public static func pValue(
        _ x: [Double], _ y: [Double], resamples: Int = 9999, seed: UInt64 = 0x5eed,
        statistic: ([Double], [Double]) -> Double
    ) throws(StatisticsError) -> Double {
        try StatisticsError.validate(x, name: "first", routine: "permutation test")
        try StatisticsError.validate(y, name: "second", routine: "permutation test")
        guard resamples >= 1 else {
            throw StatisticsError(.invalidParameter, "permutation test: resamples is \(resamples); use at least 1")
        }
        let observed = statistic(x, y)
        let slack = abs(observed) * Double.ulpOfOne * 100
        let pooled = x + y
        var less = 0
        var greater = 0
        var total = 0
        func count(_ value: Double) {
            if value <= observed + slack { less += 1 }
            if value >= observed - slack { greater += 1 }
            total += 1
        }
        let adjustment: Int
        if let splits = splitCount(x.count, y.count), splits <= Double(resamples) {
            adjustment = 0
            forEachSplit(pooled, firstCount: x.count) { count(statistic($0, $1)) }
        } else {
            adjustment = 1
            var generator = SeededGenerator(seed: seed)
            var shuffled = pooled
            for _ in 0..<resamples {
                shuffled.shuffle(using: &generator)
                count(statistic(Array(shuffled[0..<x.count]), Array(shuffled[x.count...])))
            }
        }
        let denominator = Double(total + adjustment)
        let p = 2 * Double(Swift.min(less, greater) + adjustment) / denominator
        return Swift.min(p, 1)
    }

    /// The two-sided p-value of the difference of medians, `median(x) - median(y)`.
    public static func medianDifference(_ x: [Double], _ y: [Double], resamples: Int = 9999, seed: UInt64 = 0x5eed)
        throws(StatisticsError) -> Double
    {
        try pValue(x, y, resamples: resamples, seed: seed) { first, second in
            Summary.quantile(sorted: first.sorted(), 0.5) - Summary.quantile(sorted: second.sorted(), 0.5)
        }
    }

    /// C(n1 + n2, n1), or nil when it does not fit comfortably in a Double.
    private static func splitCount(_ n1: Int, _ n2: Int) -> Double? {
        var result = 1.0
        let k = Swift.min(n1, n2)
        guard k > 0 else { return 1 }
        for i in 1...k {
            result = result * Double(n1 + n2 - k + i) / Double(i)
            if result > 1e15 { return nil }
        }
        return result.rounded()
    }

    /// Calls `body` with every split of `pooled` into a group of `firstCount` values and the rest.
    private static func forEachSplit(
        _ pooled: [Double], firstCount: Int, _ body: ([Double], [Double]) -> Void
    ) {
        let n = pooled.count
        var chosen = Array(0..<firstCount)
        while true {
            var inFirst = [Bool](repeating: false, count: n)
            for index in chosen { inFirst[index] = true }
            var first: [Double] = []
            var second: [Double] = []
            for index in 0..<n {
                if inFirst[index] { first.append(pooled[index]) } else { second.append(pooled[index]) }
            }
            body(first, second)
            // Next combination in lexicographic order.
            var position = firstCount - 1
            while position >= 0 && chosen[position] == n - firstCount + position { position -= 1 }
            if position < 0 { return }
            chosen[position] += 1
            for next in (position + 1)..<firstCount { chosen[next] = chosen[next - 1] + 1 }
        }
    }
}
