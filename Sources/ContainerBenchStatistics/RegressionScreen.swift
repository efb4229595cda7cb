import Foundation

/// The nightly regression screen: one cell's current run against a baseline of earlier runs, at the level where
/// the noise is (Kalibera & Jones, "Rigorous Benchmarking in Reasonable Time", ISMM 2013).
///
/// Trials of one run share that run's state of the machine, so they are not independent of each other across
/// runs: pooling the trials of several baseline runs treats night-to-night drift as trial noise and turns it into
/// false alarms. The screen instead compares run summaries (mean of the logs) and takes its noise from the
/// spread between runs: with B baseline runs and J ≥ 2 runs for the spread (the baseline runs plus `history`,
/// earlier comparable runs outside the baseline), the current run is one more draw of a run summary, so
///
///     t = (m_current − mean(m_baseline)) / se,  se² = σ²_run-to-run (1 + 1/B) + σ²_within (1/n_c + Σ 1/n_i / B²)
///
/// with σ² estimated by moments (between-run variance of the summaries, pooled within-run variance) and
/// Satterthwaite degrees of freedom; when every run has the same trial count this is exactly
/// s²_summaries (1 + 1/B) with J − 1 degrees of freedom, an exact t test for normal logs. A single baseline run
/// (`baseline save`, `run:ID`, `compare`) takes its run-to-run noise from `history` (from `history` alone when it
/// has 2 runs or more, so that an odd baseline run is not mistaken for noise); with no history at all the screen
/// can only use within-run noise and says so (`inconclusive (run-to-run noise unknown)` unless flagged).
///
/// The screen is not the verdict: a flagged cell is confirmed by a same-sitting A/B (`ConfirmationTest`), which
/// holds the false-alarm rate whatever the screen's level. Its level is therefore chosen for power, not for
/// errors: at `alpha` = 0.2 a cell regressed by +10% at 10% within-run CV is passed on ~88% of nights at 3% drift.
public struct RegressionScreen: Sendable, Equatable {
    /// The one-sided level at which a cell is passed on to confirmation.
    public var alpha: Double
    /// The one-sided level at which an improvement is reported (not confirmed, so strict: familyα ÷ cells).
    public var improvementAlpha: Double
    /// The relative change the screen must be able to see for a quiet cell to be called `unchanged`.
    public var resolution: Double
    /// The detection probability `minimumDetectableChange` is computed for.
    public var power: Double

    /// A screen with the given levels.
    public init(
        alpha: Double = 0.2, improvementAlpha: Double = 0.01 / 24, resolution: Double = 0.10, power: Double = 0.8
    ) {
        self.alpha = alpha
        self.improvementAlpha = improvementAlpha
        self.resolution = resolution
        self.power = power
    }

    /// Screens `current` against `baseline` runs, with `history` (further comparable runs, disjoint from the
    /// baseline) for the between-run spread.
    ///
    /// - Throws: `StatisticsError` with `.emptySample` when `baseline` is empty, `.invalidParameter` for levels
    ///   outside (0, 1).
    public func screen(current: RunSummary, baseline: [RunSummary], history: [RunSummary] = [])
        throws(StatisticsError) -> ScreenResult
    {
        guard !baseline.isEmpty else {
            throw StatisticsError(.emptySample, "regression screen: the baseline has no run to compare with")
        }
        guard alpha > 0, alpha < 1, improvementAlpha > 0, improvementAlpha < 1, power > 0, power < 1 else {
            throw StatisticsError(
                .invalidParameter,
                "regression screen: alpha (\(alpha)), improvementAlpha (\(improvementAlpha)) and power (\(power))"
                    + " must be in (0, 1)")
        }
        // A single baseline run takes its run-to-run noise from the history alone when the history can give it
        // (2 runs or more): the baseline may itself be an odd run (`compare` of a regressed run against a good
        // one), and its distance from the rest is what is being judged, not noise.
        let runs = baseline.count == 1 && history.count >= 2 ? history : baseline + history
        let b = Double(baseline.count)
        var withinSquares = 0.0
        var withinDF = 0
        for run in [current] + baseline + history where run.count >= 2 {
            guard let variance = run.logVariance else { continue }
            withinSquares += variance * Double(run.count - 1)
            withinDF += run.count - 1
        }
        let within: Double? = withinDF > 0 ? withinSquares / Double(withinDF) : nil
        let baselineMean = baseline.map(\.logMean).reduce(0, +) / b
        let difference = current.logMean - baselineMean
        let inverseBaseline = baseline.reduce(0.0) { $0 + 1 / Double(Swift.max($1.count, 1)) }
        let currentShare = 1 / Double(Swift.max(current.count, 1))

        var variance: Double
        var degreesOfFreedom: Double
        var noise = ScreenResult.NoiseModel.betweenRuns
        var runToRun: Double?
        if runs.count >= 2 {
            let summaries = LogMoments(runs.map(\.logMean))
            let between = summaries.variance
            let betweenDF = Double(runs.count - 1)
            let a = 1 + 1 / b
            if let within {
                let meanInverse = runs.reduce(0.0) { $0 + 1 / Double(Swift.max($1.count, 1)) } / Double(runs.count)
                let withinCoefficient = currentShare + inverseBaseline / (b * b) - a * meanInverse
                let moments = a * between + withinCoefficient * within
                // The drift variance cannot be negative: when the summaries spread less than within-run noise
                // alone predicts, use that prediction (larger, so conservative).
                let floor = within * (currentShare + inverseBaseline / (b * b))
                variance = Swift.max(moments, floor)
                if abs(withinCoefficient) < 1e-12 || moments <= floor {
                    degreesOfFreedom = betweenDF
                } else {
                    let first = a * between
                    let second = withinCoefficient * within
                    degreesOfFreedom =
                        moments * moments / (first * first / betweenDF + second * second / Double(withinDF))
                }
                runToRun = Swift.max(between - within * meanInverse, 0).squareRoot()
            } else {
                // Summaries only (stored per-run medians): their spread includes the within-run part.
                variance = a * between
                degreesOfFreedom = betweenDF
                runToRun = between.squareRoot()
            }
        } else if let within {
            noise = .withinRunOnly
            variance = within * (currentShare + inverseBaseline)
            degreesOfFreedom = Double(withinDF)
        } else {
            return ScreenResult(
                finding: .inconclusive(.noRunToRunEstimate), ratio: exp(difference), logDifference: difference,
                standardError: .infinity, degreesOfFreedom: 0, pWorse: 1, pBetter: 1,
                minimumDetectableChange: .infinity, noise: .withinRunOnly, spreadRuns: 0, runToRunSD: nil,
                withinRunSD: nil)
        }

        let standardError = variance.squareRoot()
        let t = StudentTDistribution(degreesOfFreedom: Swift.max(degreesOfFreedom, 1e-6))
        var pWorse = 0.5
        var pBetter = 0.5
        if standardError > 0 {
            pWorse = t.survival(difference / standardError)
            pBetter = t.cdf(difference / standardError)
        } else if difference != 0 {
            pWorse = difference > 0 ? 0 : 1
            pBetter = difference < 0 ? 0 : 1
        }
        let detectable = (t.quantile(1 - alpha) + t.quantile(power)) * standardError
        let minimumDetectableChange = exp(detectable) - 1

        let finding: ScreenResult.Finding
        if pWorse < alpha {
            finding = .suspectedRegression
        } else if pBetter < improvementAlpha {
            finding = .improvement
        } else if noise == .withinRunOnly {
            finding = .inconclusive(.noRunToRunEstimate)
        } else if !(minimumDetectableChange <= resolution) {
            finding = .inconclusive(.tooFewSamples)
        } else {
            finding = .unchanged
        }
        return ScreenResult(
            finding: finding, ratio: exp(difference), logDifference: difference, standardError: standardError,
            degreesOfFreedom: degreesOfFreedom, pWorse: pWorse, pBetter: pBetter,
            minimumDetectableChange: minimumDetectableChange, noise: noise,
            spreadRuns: noise == .betweenRuns ? runs.count : 0, runToRunSD: runToRun,
            withinRunSD: within.map { $0.squareRoot() })
    }

    /// The minimum detectable change a run of `trials` trials would have against `baseline` and `history` if it
    /// had the pooled within-run spread: what `--trials auto` uses to decide whether more trials can still make a
    /// quiet cell `unchanged`. Nil when the spread cannot be estimated.
    public func minimumDetectableChange(
        trials: Int, logVariance: Double?, baseline: [RunSummary], history: [RunSummary] = []
    ) -> Double? {
        let probe = RunSummary(
            count: trials, logMean: baseline.map(\.logMean).reduce(0, +) / Double(Swift.max(baseline.count, 1)),
            logVariance: logVariance)
        guard let result = try? screen(current: probe, baseline: baseline, history: history),
            result.minimumDetectableChange.isFinite
        else { return nil }
        return result.minimumDetectableChange
    }
}
