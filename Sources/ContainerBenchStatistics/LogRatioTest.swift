import Foundation

/// Estimates a ratio between two samples of positive values on the log scale (`LogRatioEstimate`).
public enum LogRatioTest {
    /// numerator ÷ denominator from two independent samples: Welch's t on the logs.
    ///
    /// - Throws: `StatisticsError`: `.emptySample`, `.nonFiniteValue`, `.nonPositiveValue`, or `.tooFewValues` when a
    ///   side has fewer than 2 values (no spread, no interval).
    public static func independent(numerator: [Double], denominator: [Double]) throws(StatisticsError)
        -> LogRatioEstimate
    {
        try StatisticsError.validatePositive(numerator, name: "numerator", routine: "log ratio", minimumCount: 2)
        try StatisticsError.validatePositive(denominator, name: "denominator", routine: "log ratio", minimumCount: 2)
        let top = LogMoments(numerator.map { log($0) })
        let bottom = LogMoments(denominator.map { log($0) })
        let topShare = top.variance / Double(top.count)
        let bottomShare = bottom.variance / Double(bottom.count)
        let variance = topShare + bottomShare
        var degreesOfFreedom = Double(top.count + bottom.count - 2)
        if variance > 0 {
            degreesOfFreedom =
                variance * variance
                / (topShare * topShare / Double(top.count - 1) + bottomShare * bottomShare / Double(bottom.count - 1))
        }
        return LogRatioEstimate(
            logRatio: top.mean - bottom.mean, standardError: variance.squareRoot(),
            degreesOfFreedom: degreesOfFreedom, design: .independent, numeratorCount: top.count,
            denominatorCount: bottom.count)
    }

    /// numerator[i] ÷ denominator[i] from pairs measured together: the one-sample t of the log ratios, n − 1
    /// degrees of freedom.
    ///
    /// - Throws: as `independent`, and `.invalidParameter` when the two sides have different counts.
    public static func paired(numerator: [Double], denominator: [Double]) throws(StatisticsError) -> LogRatioEstimate {
        try StatisticsError.validatePositive(numerator, name: "numerator", routine: "paired log ratio", minimumCount: 2)
        try StatisticsError.validatePositive(
            denominator, name: "denominator", routine: "paired log ratio", minimumCount: 2)
        guard numerator.count == denominator.count else {
            throw StatisticsError(
                .invalidParameter,
                "paired log ratio: \(numerator.count) numerator and \(denominator.count) denominator values; pairs"
                    + " need one of each")
        }
        let topLogs = numerator.map { log($0) }
        let bottomLogs = denominator.map { log($0) }
        let differences = LogMoments(zip(topLogs, bottomLogs).map { $0 - $1 })
        let top = LogMoments(topLogs)
        let bottom = LogMoments(bottomLogs)
        var correlation: Double?
        if top.variance > 0 && bottom.variance > 0 {
            var covariance = 0.0
            for (x, y) in zip(topLogs, bottomLogs) { covariance += (x - top.mean) * (y - bottom.mean) }
            covariance /= Double(numerator.count - 1)
            correlation = covariance / (top.variance * bottom.variance).squareRoot()
        }
        return LogRatioEstimate(
            logRatio: differences.mean, standardError: (differences.variance / Double(differences.count)).squareRoot(),
            degreesOfFreedom: Double(differences.count - 1), design: .paired, numeratorCount: numerator.count,
            denominatorCount: denominator.count, pairCorrelation: correlation)
    }
}

/// Mean and sample variance (n − 1) of values already on the log scale.
struct LogMoments {
    var count: Int
    var mean: Double
    var variance: Double

    init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let center = mean
        variance =
            values.count > 1 ? values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count - 1) : 0
    }
}
