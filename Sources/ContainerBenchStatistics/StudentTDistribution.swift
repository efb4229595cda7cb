import Foundation

/// Student's t distribution with `degreesOfFreedom` (any positive real; infinity is the normal distribution).
public struct StudentTDistribution: Sendable, Equatable {
    /// The degrees of freedom, positive.
    public var degreesOfFreedom: Double

    /// A t distribution with `degreesOfFreedom` degrees of freedom.
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t) (`scipy.stats.t.cdf`); NaN when the degrees of freedom are not positive.
    public func cdf(_ t: Double) -> Double {
        let df = degreesOfFreedom
        guard df > 0, !t.isNaN else { return .nan }
        if df == .infinity { return NormalDistribution.cdf(t) }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        // The tail beyond |t|: 0.5 · I_{df/(df+t²)}(df/2, 1/2).
        let tail = 0.5 * SpecialFunctions.regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// P(T ≥ t) (`scipy.stats.t.sf`), precise in the upper tail.
    public func survival(_ t: Double) -> Double {
        cdf(-t)
    }

    /// The density at t.
    public func density(_ t: Double) -> Double {
        let df = degreesOfFreedom
        if df == .infinity { return NormalDistribution.density(t) }
        let logDensity =
            SpecialFunctions.logGamma((df + 1) / 2) - SpecialFunctions.logGamma(df / 2) - 0.5 * log(df * Double.pi)
            - (df + 1) / 2 * log1p(t * t / df)
        return exp(logDensity)
    }

    /// The t with P(T ≤ t) = p (`scipy.stats.t.ppf`): ±inf at 0 and 1, NaN outside [0, 1].
    ///
    /// Newton steps from a Cornish-Fisher start, kept inside a bracket that bisection falls back on.
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1, degreesOfFreedom > 0 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if degreesOfFreedom == .infinity { return NormalDistribution.quantile(p) }
        if p == 0.5 { return 0 }
        // Solve in the lower tail, where cdf has full relative precision, and mirror.
        if p > 0.5 { return -lowerQuantile(1 - p) }
        return lowerQuantile(p)
    }

    /// The quantile for p in (0, 0.5): a negative t.
    private func lowerQuantile(_ p: Double) -> Double {
        let df = degreesOfFreedom
        // The same a, b at every step: compute ln B(df/2, 1/2) once.
        let logBeta = SpecialFunctions.logBeta(df / 2, 0.5)
        let logScale = -0.5 * log(df) - logBeta
        func cdf(_ t: Double) -> Double {
            let tail =
                0.5 * SpecialFunctions.regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5, logBeta: logBeta)
            return t > 0 ? 1 - tail : tail
        }
        func density(_ t: Double) -> Double {
            exp(logScale - (df + 1) / 2 * log1p(t * t / df))
        }
        let z = NormalDistribution.quantile(p)
        var x = z + (z * z * z + z) / (4 * df) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * df * df)
        // Bracket [low, high] with cdf(low) <= p <= cdf(high); high = 0 has cdf 0.5 > p.
        var high = 0.0
        var low = Swift.min(x, -1)
        while cdf(low) > p {
            high = low
            low *= 2
            if low < -1e300 { return -.infinity }
        }
        if !(x > low && x < high) { x = (low + high) / 2 }
        for _ in 0..<200 {
            let value = cdf(x) - p
            if value == 0 { return x }
            if value > 0 { high = x } else { low = x }
            let density = density(x)
            var next = density > 0 ? x - value / density : (low + high) / 2
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - x) <= 1e-15 * Swift.max(abs(x), 1e-300) { return next }
            x = next
            if high - low <= 1e-15 * abs(low) { return x }
        }
        return x
    }
}
