import Foundation

/// The two-sided Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples.
///
/// Follows `scipy.stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method=...)`:
/// the statistic is U1 of the first sample (ties get average ranks), the p-value is twice the upper tail of
/// max(U1, U2), capped at 1. With `.automatic` the exact null distribution is used when either sample has at most
/// 8 values and there are no ties, the tie-corrected normal approximation with continuity correction otherwise,
/// which is scipy's `method="auto"` rule. One difference: scipy would compute the exact distribution for any size
/// when one sample is that small; here `.automatic` falls back to the normal approximation when the exact
/// computation would exceed `exactWorkLimit` (a sample of 8 against one of about 1,100 values or more), where
/// the two agree closely anyway.
public enum MannWhitney {
    /// How the p-value is computed.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// scipy's `method="auto"`: exact for small samples without ties, asymptotic otherwise.
        case automatic
        /// The exact null distribution of U without ties; with ties U is truncated to an integer first, as scipy does.
        case exact
        /// The normal approximation with tie correction and continuity correction.
        case asymptotic
    }

    /// The outcome of a test.
    public struct Result: Sendable, Equatable, Codable {
        /// U of the first sample: the number of (x, y) pairs with x > y, ties counting one half.
        public var u1: Double
        /// U of the second sample, `n1 * n2 - u1`.
        public var u2: Double
        /// The two-sided p-value.
        public var pValue: Double
        /// The method that produced the p-value (never `.automatic`).
        public var method: Method
        /// Whether any value occurred more than once across both samples.
        public var hasTies: Bool

        /// A result with the given fields.
        public init(u1: Double, u2: Double, pValue: Double, method: Method, hasTies: Bool) {
            self.u1 = u1
            self.u2 = u2
            self.pValue = pValue
            self.method = method
            self.hasTies = hasTies
        }
    }

    /// The largest `n1² · n2²`-sized exact computation `.automatic` attempts before approximating.
    public static let exactWorkLimit = 80_000_000

    /// Tests whether `x` and `y` come from the same distribution against the two-sided alternative.
    ///
    /// - Throws: `StatisticsError` with `.emptySample` when a sample is empty, `.nonFiniteValue` when a value is NaN
    ///   or infinite.
    public static func test(_ x: [Double], _ y: [Double], method: Method = .automatic) throws(StatisticsError)
        -> Result
    {
        try StatisticsError.validate(x, name: "first", routine: "Mann-Whitney U test")
        try StatisticsError.validate(y, name: "second", routine: "Mann-Whitney U test")
        let n1 = x.count
        let n2 = y.count
        let ranking = Ranks(x + y)
        let rankSum = ranking.ranks[0..<n1].reduce(0, +)
        let u1 = rankSum - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u = Swift.max(u1, u2)
        let hasTies = ranking.tieSizes.contains { $0 > 1 }

        var chosen = method
        if method == .automatic {
            let small = n1 <= 8 || n2 <= 8
            let work = Double(n1) * Double(n1) * Double(n2) * Double(n2)
            chosen = small && !hasTies && work <= Double(exactWorkLimit) ? .exact : .asymptotic
        }
        let p: Double
        if chosen == .exact {
            p = 2 * exactUpperTail(atLeast: u, n1, n2)
        } else {
            p = 2 * asymptoticUpperTail(u: u, n1, n2, tieSizes: ranking.tieSizes)
        }
        return Result(u1: u1, u2: u2, pValue: Swift.min(Swift.max(p, 0), 1), method: chosen, hasTies: hasTies)
    }

    /// P(U >= u) under the null hypothesis, from the exact distribution of U for sample sizes `n1`, `n2`.
    ///
    /// Counts the arrangements with U = k by the recurrence f(m, n, k) = f(m - 1, n, k - n) + f(m, n - 1, k)
    /// (the last of the m + n ordered values is either from the first sample, adding n to U, or not).
    static func exactUpperTail(atLeast u: Double, _ n1: Int, _ n2: Int) -> Double {
        let m = Swift.min(n1, n2)
        let n = Swift.max(n1, n2)
        let maxU = m * n
        // rows[i] holds the counts for i values of the small sample against j values of the large one.
        var rows = [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: m + 1)
        for i in 0...m { rows[i][0] = 1 }
        if n >= 1 {
            for j in 1...n {
                // rows[i] currently holds f(i, j - 1, ·); update in increasing i so rows[i - 1] is already f(i-1, j).
                for i in stride(from: 1, through: m, by: 1) {
                    let limit = i * j
                    let previous = rows[i - 1]
                    for k in stride(from: limit, through: j, by: -1) {
                        rows[i][k] += previous[k - j]
                    }
                }
            }
        }
        let counts = rows[m]
        let total = counts.reduce(0, +)
        // scipy truncates a half-integer U (ties) to an integer before the tail sum; so do we.
        let start = Int(u.rounded(.down))
        guard start <= maxU else { return 0 }
        let tail = counts[Swift.max(start, 0)...maxU].reduce(0, +)
        return tail / total
    }

    /// P(Z >= z) for U's normal approximation with tie and continuity corrections (scipy's `_get_mwu_z`).
    static func asymptoticUpperTail(u: Double, _ n1: Int, _ n2: Int, tieSizes: [Int]) -> Double {
        let mean = Double(n1 * n2) / 2
        let n = Double(n1 + n2)
        let tieTerm = tieSizes.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
        let variance = Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        let numerator = u - mean - 0.5
        guard variance > 0 else {
            // Every value is equal: no evidence of a difference (scipy's z is -inf, its p-value 1).
            return numerator >= 0 ? 0 : 1
        }
        return normalUpperTail(numerator / variance.squareRoot())
    }

    /// The standard normal survival function, P(Z >= z).
    static func normalUpperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }
}
