import Foundation

/// Family-wise error control: the chance of one or more false alarms among a family of tests.
public enum FamilyWiseError {
    /// Each of `tests` tests' share of `alpha` (Bonferroni): valid for any dependence, and for sequential tests.
    public static func bonferroniLevel(alpha: Double, tests: Int) -> Double {
        tests > 0 ? alpha / Double(tests) : alpha
    }

    /// Holm's step-down procedure: which of `pValues` are rejected with the family-wise error held at `alpha`
    /// (sort ascending; reject the i-th smallest while p ≤ α / (m − i + 1)). Uniformly more powerful than
    /// Bonferroni for fixed-size tests; matches `statsmodels.stats.multitest.multipletests(p, alpha, "holm")[0]`.
    public static func holm(_ pValues: [Double], alpha: Double) -> [Bool] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var rejected = [Bool](repeating: false, count: m)
        for (rank, index) in order.enumerated() {
            guard pValues[index] <= alpha / Double(m - rank) else { break }
            rejected[index] = true
        }
        return rejected
    }
}
