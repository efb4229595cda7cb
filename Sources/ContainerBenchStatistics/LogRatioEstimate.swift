import Foundation

/// A ratio estimated on the log scale, with the Student t reference distribution of its log: the estimate behind
/// ratio budgets (uv ÷ pip), same-sitting confirmations and duet pairs.
///
/// Bounds and p-values are exact when the logs are normal (log-normal times) with the paired design, and for the
/// independent design with equal variances; Welch's degrees of freedom make the independent design approximate
/// (and conservative with equal sample sizes) when variances differ.
public struct LogRatioEstimate: Sendable, Codable, Equatable {
    /// How the two samples relate.
    public enum Design: String, Sendable, Codable, CaseIterable {
        /// Two independent samples (interleaved trials): Welch's t on the logs.
        case independent
        /// Pairs measured together (duet): one-sample t on the log of each pair's ratio.
        case paired
    }

    /// ln(numerator / denominator): the difference of the mean logs.
    public var logRatio: Double
    /// The standard error of `logRatio`.
    public var standardError: Double
    /// The degrees of freedom of its t distribution.
    public var degreesOfFreedom: Double
    /// The design the estimate came from.
    public var design: Design
    /// Values on the numerator side (pairs, for the paired design).
    public var numeratorCount: Int
    /// Values on the denominator side.
    public var denominatorCount: Int
    /// Pearson correlation of the logs within pairs (paired design only): above 0 means pairing removed noise.
    public var pairCorrelation: Double?

    /// An estimate with the given fields.
    public init(
        logRatio: Double, standardError: Double, degreesOfFreedom: Double, design: Design, numeratorCount: Int,
        denominatorCount: Int, pairCorrelation: Double? = nil
    ) {
        self.logRatio = logRatio
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        self.design = design
        self.numeratorCount = numeratorCount
        self.denominatorCount = denominatorCount
        self.pairCorrelation = pairCorrelation
    }

    /// The estimated ratio, exp(`logRatio`): the ratio of geometric means (of medians, for log-normal values).
    public var ratio: Double { exp(logRatio) }

    /// The one-sided upper confidence bound of the ratio at `confidence`.
    public func upperBound(confidence: Double) -> Double {
        exp(logRatio + distribution.quantile(confidence) * standardError)
    }

    /// The one-sided lower confidence bound of the ratio at `confidence`.
    public func lowerBound(confidence: Double) -> Double {
        exp(logRatio - distribution.quantile(confidence) * standardError)
    }

    /// The two-sided interval at `level`, labelled with that level.
    public func interval(level: Double) -> ConfidenceInterval {
        let oneSided = (1 + level) / 2
        return ConfidenceInterval(
            estimate: ratio, low: lowerBound(confidence: oneSided), high: upperBound(confidence: oneSided),
            level: level)
    }

    /// The confidence that the true ratio is below `limit`: the largest confidence whose upper bound is below it.
    public func confidenceBelow(_ limit: Double) -> Double {
        guard limit > 0 else { return 0 }
        let distance = log(limit) - logRatio
        guard standardError > 0 else { return distance > 0 ? 1 : (distance < 0 ? 0 : 0.5) }
        return distribution.cdf(distance / standardError)
    }

    /// The confidence that the true ratio is above `limit`.
    public func confidenceAbove(_ limit: Double) -> Double {
        guard limit > 0 else { return 1 }
        let distance = logRatio - log(limit)
        guard standardError > 0 else { return distance > 0 ? 1 : (distance < 0 ? 0 : 0.5) }
        return distribution.cdf(distance / standardError)
    }

    /// The one-sided p-value of "the ratio is at most `limit`" against "it is above": 1 − `confidenceAbove`.
    public func pValueAbove(_ limit: Double) -> Double {
        guard limit > 0 else { return 0 }
        let distance = logRatio - log(limit)
        guard standardError > 0 else { return distance > 0 ? 0 : (distance < 0 ? 1 : 0.5) }
        return distribution.survival(distance / standardError)
    }

    private var distribution: StudentTDistribution {
        StudentTDistribution(degreesOfFreedom: degreesOfFreedom)
    }
}
