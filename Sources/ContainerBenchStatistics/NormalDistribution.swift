import Foundation

/// The standard normal distribution.
public enum NormalDistribution {
    /// P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// P(Z ≥ x), accurate far into the upper tail.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The density φ(x).
    public static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// The x with P(Z ≤ x) = p (`scipy.stats.norm.ppf`): -inf at 0, +inf at 1, NaN outside [0, 1].
    ///
    /// Abramowitz & Stegun 26.2.23 as a start, then Halley steps on `erfc` to full double precision.
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -lowerQuantile(1 - p) }
        return lowerQuantile(p)
    }

    /// The x with P(Z ≥ x) = q (`scipy.stats.norm.isf`), precise for small q.
    public static func upperQuantile(_ q: Double) -> Double {
        -quantile(q)
    }

    /// The quantile for p in (0, 0.5]: x ≤ 0, where `cdf` has full relative precision.
    private static func lowerQuantile(_ p: Double) -> Double {
        let t = (-2 * log(p)).squareRoot()
        let numerator = 2.515_517 + 0.802_853 * t + 0.010_328 * t * t
        let denominator = 1 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t
        var x = -(t - numerator / denominator)
        for _ in 0..<4 {
            let density = density(x)
            guard density > 0 else { break }
            let u = (cdf(x) - p) / density
            let step = u / (1 + x * u / 2)
            x -= step
            if abs(step) <= 1e-16 * Swift.max(abs(x), 1) { break }
        }
        return x
    }
}
