import Foundation

/// The Benjamini-Hochberg false discovery rate adjustment of a family of p-values.
public enum BenjaminiHochberg {
    /// The BH-adjusted p-values (q-values) of `pValues`, in their original order.
    ///
    /// Matches `scipy.stats.false_discovery_control(p, method="bh")` and
    /// `statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]`: sort ascending, multiply the i-th
    /// smallest by m / i, take the running minimum from the largest down (so q is monotone in p), cap at 1.
    ///
    /// - Throws: `StatisticsError` with `.invalidPValue` when a p-value is NaN or outside [0, 1].
    public static func adjust(_ pValues: [Double]) throws(StatisticsError) -> [Double] {
        if let index = pValues.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw StatisticsError(
                .invalidPValue,
                "Benjamini-Hochberg: p-value \(pValues[index]) at index \(index) is not in [0, 1];"
                    + " pass the raw p-values of the tests")
        }
        return adjusted(pValues)
    }

    /// `adjust` for p-values already known to lie in [0, 1] (public so that callers in other modules, such as the
    /// regression gate once the statistics are their own target, can skip the validation).
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let count = pValues.count
        guard count > 0 else { return [] }
        // Ties broken by index only to make the order total; equal p-values end up with equal q-values.
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 0, count: count)
        var runningMinimum = Double.infinity
        for rank in stride(from: count, through: 1, by: -1) {
            let index = order[rank - 1]
            runningMinimum = Swift.min(runningMinimum, pValues[index] * Double(count) / Double(rank))
            adjusted[index] = Swift.min(runningMinimum, 1)
        }
        return adjusted
    }
}
