import Foundation

/// One run's trials of one cell (service × driver × metric), summarised on the log scale: the level at which
/// run-to-run noise is seen (Kalibera & Jones 2013) and the unit the regression screen compares.
public struct RunSummary: Sendable, Codable, Equatable {
    /// Trials in the run.
    public var count: Int
    /// The mean of the logs of the trials: ln of their geometric mean.
    public var logMean: Double
    /// The sample variance (n − 1) of the logs; nil with a single trial or when only a per-run figure is stored.
    public var logVariance: Double?

    /// A summary with the given fields (e.g. rebuilt from a stored per-run median: `logMean` = ln median,
    /// `logVariance` nil).
    public init(count: Int, logMean: Double, logVariance: Double?) {
        self.count = count
        self.logMean = logMean
        self.logVariance = logVariance
    }

    /// The summary of a run's trials.
    ///
    /// - Throws: `StatisticsError` for no trials, a non-finite or a non-positive value.
    public init(trials: [Double]) throws(StatisticsError) {
        try StatisticsError.validatePositive(trials, name: "trial", routine: "run summary")
        let moments = LogMoments(trials.map { log($0) })
        count = moments.count
        logMean = moments.mean
        logVariance = moments.count >= 2 ? moments.variance : nil
    }

    /// The geometric mean of the trials, exp(`logMean`).
    public var geometricMean: Double { exp(logMean) }
}
