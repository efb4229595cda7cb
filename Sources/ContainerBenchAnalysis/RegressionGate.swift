import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// Compares a run with a baseline, per service × driver × metric, at the level where the noise is.
///
/// - Against earlier runs (`run`, `compare`, `judge`): each sampled cell's trials are summarised (mean of the
///   logs) and screened against the baseline runs' summaries, the between-run spread taken from the baseline runs
///   and from earlier comparable runs (`RegressionScreen`). A suspicion is only a suspicion: with confirmation on,
///   the session confirms it with a same-sitting A/B of the baseline's kept image against the current image
///   (`ConfirmationTest`), which holds the night's false-alarm rate whatever the drift. Cells that cannot be
///   confirmed that way (build times: an old build cannot be repeated) and runs without confirmation are judged
///   by Holm at the policy's family-wise level over the screens, and say so.
/// - Within one sitting (`ab`, and the confirmation itself): B's trials against A's, by the confirmation test.
/// - Exact metrics (image bytes) change when they change by more than the policy's absolute tolerance.
///
/// A cell that cannot reach significance with its samples is `inconclusive` with the smallest change it could
/// have detected, never `unchanged`.
public struct RegressionGate: Sendable, Equatable {
    /// The defaults every rule comes from (levels, tolerance, minimum effect).
    public var policy: VerdictPolicy
    /// The metrics compared, in report order.
    public var metrics: [Metric]
    /// Changes reviewed and accepted: reported with `acknowledged = true`, so they do not fail the run.
    public var acknowledged: Set<RegressionAcknowledgement>

    /// A gate over `metrics` with `policy`.
    public init(
        policy: VerdictPolicy = .standard, metrics: [Metric] = Metric.allCases,
        acknowledged: Set<RegressionAcknowledgement> = []
    ) {
        self.policy = policy
        self.metrics = metrics
        self.acknowledged = acknowledged
    }

    /// Samples by service × driver, then metric: the shape both sides of a comparison take.
    public typealias Samples = [ServiceDriver: [Metric: [Double]]]

    /// The metrics a same-sitting A/B of two images can confirm (each trial measures them); build times cannot be.
    public static func isConfirmable(_ metric: Metric) -> Bool {
        !metric.isExact && metric != .buildSeconds && metric != .installSeconds
    }

    // MARK: - Against a baseline of runs

    /// Screens `current` (one run's samples) against `baseline`, in `order` (the current run's pairs), leaving
    /// suspected regressions of confirmable metrics as `.regression` with their screen result and no confirmation
    /// when `policy.confirms` (the session confirms them), and deciding every other cell.
    public func compare(current: Samples, baseline: RegressionBaseline, order: [ServiceDriver]) -> [RegressionFinding] {
        struct Cell {
            var pair: ServiceDriver
            var metric: Metric
            var current: [Double]
            var baselineRuns: [[Double]]
            var historyRuns: [[Double]]
        }
        var cells: [Cell] = []
        for pair in order {
            guard let now = current[pair] else { continue }
            for metric in metrics {
                let values = (now[metric] ?? []).filter(\.isFinite)
                let baselineRuns = baseline.runs.map { ($0.samples[pair]?[metric] ?? []).filter(\.isFinite) }
                    .filter { !$0.isEmpty }
                guard !values.isEmpty, !baselineRuns.isEmpty else { continue }
                let historyRuns = baseline.history.map { ($0.samples[pair]?[metric] ?? []).filter(\.isFinite) }
                    .filter { !$0.isEmpty }
                cells.append(
                    Cell(
                        pair: pair, metric: metric, current: values, baselineRuns: baselineRuns,
                        historyRuns: historyRuns))
            }
        }
        let sampledCells = cells.filter { !$0.metric.isExact }.count
        let screen = policy.screen(cells: max(1, sampledCells))
        var findings: [RegressionFinding] = []
        for cell in cells {
            var finding = describe(
                pair: cell.pair, metric: cell.metric, baseline: cell.baselineRuns.flatMap { $0 },
                current: cell.current)
            if cell.metric.isExact {
                let base = cell.baselineRuns[0][0]
                let value = Summary.quantile(sorted: cell.current.sorted(), 0.5)
                finding.baselineMedian = base
                finding.currentMedian = value
                finding.ratio = Self.ratio(value, base)
                finding.change = Self.change(policy.exactComparison.compare(current: value, baseline: base))
                finding.method = "exact: a change beyond ±\(Self.bytes(policy.exactTolerance)) counts"
                findings.append(finding)
                continue
            }
            do {
                let summaries = try cell.baselineRuns.map { values throws(StatisticsError) in
                    try RunSummary(trials: values)
                }
                let history = try cell.historyRuns.map { values throws(StatisticsError) in
                    try RunSummary(trials: values)
                }
                let result = try screen.screen(
                    current: try RunSummary(trials: cell.current), baseline: summaries, history: history)
                apply(result, to: &finding, baselineRuns: summaries.count, historyRuns: history.count)
            } catch {
                finding.change = .inconclusive
                finding.note = "not screened: \(error)"
            }
            findings.append(finding)
        }
        if !policy.confirms {
            settleUnconfirmed(&findings, why: "no same-sitting A/B: --no-confirm, compare or judge")
        } else {
            // Build times cannot be confirmed in one sitting (the old build cannot be repeated): Holm decides them.
            settleUnconfirmed(&findings, why: "build times cannot be confirmed", only: { !Self.isConfirmable($0) })
        }
        return findings
    }

    /// Decides the suspected regressions (screened, not confirmed) among `findings` that `only` selects by Holm
    /// at the policy's family-wise level over the screens of every screened cell, as confirmation cannot.
    ///
    /// A suspicion Holm does not uphold is `unchanged` only when the change is bounded within the policy's
    /// resolution (the screen's upper bound on the ratio, at the confidence of its detection power, is at most
    /// 1 + resolution: the same reach as a quiet cell's `unchanged`); otherwise it is `inconclusive (too few
    /// samples)` with the smallest change the family-wise test could have seen, never a pass it has not earned.
    /// Below the metric's absolute noise floor a change is `unchanged`.
    public func settleUnconfirmed(
        _ findings: inout [RegressionFinding], why: String, only: (Metric) -> Bool = { _ in true }
    ) {
        let screened = findings.indices.filter { findings[$0].screen != nil }
        let results = screened.compactMap { findings[$0].screen }
        let regressions = policy.unconfirmedRegressions(results)
        let familyLevel = policy.familyAlpha / Double(max(results.count, 1))
        for (index, isRegression) in zip(screened, regressions) {
            let finding = findings[index]
            guard finding.change == .regression, finding.confirmation == nil, only(finding.metric),
                let screen = finding.screen
            else { continue }
            let family = Self.percent(policy.familyAlpha)
            if finding.currentMedian - finding.baselineMedian <= finding.metric.absoluteNoiseFloor {
                findings[index].change = .unchanged
                findings[index].note =
                    "below the metric's absolute noise floor (\(finding.metric.unit.format(finding.metric.absoluteNoiseFloor)))"
                continue
            }
            if isRegression {
                findings[index].change = .regression
                findings[index].note = "regression by Holm at \(family) family-wise over the run's cells (\(why))"
                continue
            }
            let upper = Self.upperChange(screen, confidence: policy.detectionPower)
            if upper <= policy.resolution {
                findings[index].change = .unchanged
                findings[index].note =
                    "suspected by the screen, not significant at \(family) family-wise, and at most "
                    + "+\(Self.percent(upper)) at \(Self.percent(policy.detectionPower)) confidence (\(why))"
            } else {
                let detectable = Self.detectableChange(screen, level: familyLevel, power: policy.detectionPower)
                findings[index].change = .inconclusive
                findings[index].minimumDetectableChange = detectable.isFinite ? detectable : nil
                findings[index].note =
                    "suspected by the screen, not significant at \(family) family-wise, which could only have seen "
                    + (detectable.isFinite ? "+\(Self.percent(detectable))" : "an unbounded change")
                    + " (too few samples; \(why)): more comparable runs in the history, or an A/B, would decide"
            }
        }
    }

    /// The relative change `screen`'s ratio is below at one-sided `confidence`.
    static func upperChange(_ screen: ScreenResult, confidence: Double) -> Double {
        guard screen.standardError.isFinite, screen.degreesOfFreedom > 0 else { return .infinity }
        let t = StudentTDistribution(degreesOfFreedom: screen.degreesOfFreedom)
        return exp(screen.logDifference + t.quantile(confidence) * screen.standardError) - 1
    }

    /// The smallest relative change `screen`'s comparison detects with `power` at one-sided `level`.
    static func detectableChange(_ screen: ScreenResult, level: Double, power: Double) -> Double {
        guard screen.standardError.isFinite, screen.degreesOfFreedom > 0 else { return .infinity }
        let t = StudentTDistribution(degreesOfFreedom: screen.degreesOfFreedom)
        return exp((t.quantile(1 - level) + t.quantile(power)) * screen.standardError) - 1
    }

    /// Applies a confirmation A/B's decision to a suspected regression: a confirmed regression stands, anything
    /// else is dropped to `unchanged` with the A/B's estimate stated.
    public static func apply(_ decision: ConfirmationDecision, to finding: inout RegressionFinding) {
        finding.confirmation = decision
        let estimate = decision.estimate
        let interval =
            "B/A \(ratioText(estimate.ratio)) [\(ratioText(decision.lowerBound)), "
            + "\(ratioText(decision.upperBound))], \(estimate.denominatorCount) + \(estimate.numeratorCount) trials"
        switch (decision.verdict, decision.reason) {
        case (.confirmed, _):
            finding.change = .regression
            finding.note = "confirmed by a same-sitting A/B of the baseline's image against this one: \(interval)"
        case (.notConfirmed, .futility):
            // Shown below +10% with 99% confidence: the suspicion is dropped.
            finding.change = .unchanged
            finding.note =
                "not confirmed (futility) by a same-sitting A/B of the baseline's image against this one: \(interval)"
        case (.notConfirmed, _), (.continueTrials, _):
            // The rounds ran out with the change neither shown nor ruled out: it stays undecided, never a pass.
            finding.change = .inconclusive
            finding.note =
                "neither confirmed nor ruled out by a same-sitting A/B of the baseline's image against this one "
                + "(\(decision.reason?.rawValue ?? "undecided")): \(interval)"
        }
        finding.method = (finding.method ?? "") + "; confirmed or dropped by a same-sitting A/B"
    }

    // MARK: - Within one sitting

    /// B against A, measured in one sitting (interleaved): each sampled metric by the confirmation test at the
    /// policy's family-wise level over `metrics` (a regression when B is worse, an improvement when A is, at look
    /// `look` of `plan`, or of the policy's confirmation plan without one; without a look, the trials are a
    /// fixed-size design judged once at the whole α), exact metrics by the tolerance. B is unchanged only when a
    /// change of the policy's resolution is ruled out (futility); otherwise undecided is inconclusive.
    public func sameSitting(
        pair: ServiceDriver, a: [Metric: [Double]], b: [Metric: [Double]], look: Int? = nil,
        plan: SequentialPlan? = nil
    ) -> [RegressionFinding] {
        let sampled = metrics.filter { !$0.isExact && (a[$0]?.count ?? 0) >= 1 && (b[$0]?.count ?? 0) >= 1 }
        let alpha = policy.confirmationAlpha(screenedCells: max(1, sampled.count))
        var findings: [RegressionFinding] = []
        for metric in metrics {
            let old = (a[metric] ?? []).filter(\.isFinite)
            let new = (b[metric] ?? []).filter(\.isFinite)
            guard !old.isEmpty, !new.isEmpty else { continue }
            var finding = describe(pair: pair, metric: metric, baseline: old, current: new)
            if metric.isExact {
                finding.change = Self.change(
                    policy.exactComparison.compare(current: finding.currentMedian, baseline: finding.baselineMedian))
                finding.method = "exact: a change beyond ±\(Self.bytes(policy.exactTolerance)) counts"
                findings.append(finding)
                continue
            }
            var test = policy.confirmation(absoluteFloor: metric.absoluteNoiseFloor)
            if let plan {
                test.plan = plan
            } else if look == nil {
                // A fixed number of trials is one look: it spends the whole α, none on looks that never happened.
                test.plan = .fixed(trials: min(old.count, new.count))
            }
            let final = look ?? test.plan.maximumLooks
            do {
                let worse = try test.decide(baseline: old, current: new, alpha: alpha, look: final)
                let better = try test.decide(baseline: new, current: old, alpha: alpha, look: final)
                finding.confirmation = worse
                finding.pValue = worse.pValue
                finding.ratioCILow = worse.lowerBound
                finding.ratioCIHigh = worse.upperBound
                finding.method =
                    "same-sitting comparison, \(old.count) + \(new.count) trials, one-sided t on logs at "
                    + "\(Self.percent(worse.level)) (look \(final) of \(test.plan.maximumLooks); "
                    + "\(Self.percent(policy.familyAlpha)) family-wise over \(sampled.count) metrics)"
                if worse.verdict == .confirmed {
                    finding.change = .regression
                } else if better.verdict == .confirmed {
                    finding.change = .improvement
                } else if worse.verdict == .notConfirmed && worse.reason == .futility {
                    finding.change = .unchanged
                } else {
                    finding.change = .inconclusive
                    finding.note =
                        "undecided after \(old.count) + \(new.count) trials (B/A "
                        + "\(Self.ratioText(worse.estimate.ratio)) [\(Self.ratioText(worse.lowerBound)), "
                        + "\(Self.ratioText(worse.upperBound))]): more trials would decide"
                }
            } catch {
                finding.change = .inconclusive
                finding.note = "too few samples: \(error)"
            }
            findings.append(finding)
        }
        return findings
    }

    // MARK: - Helpers

    /// A finding with medians and ratio; the change is decided by the caller.
    private func describe(pair: ServiceDriver, metric: Metric, baseline: [Double], current: [Double])
        -> RegressionFinding
    {
        let baselineMedian = Summary.quantile(sorted: baseline.sorted(), 0.5)
        let currentMedian = Summary.quantile(sorted: current.sorted(), 0.5)
        return RegressionFinding(
            service: pair.service, driver: pair.driver, metric: metric, baselineMedian: baselineMedian,
            currentMedian: currentMedian, ratio: Self.ratio(currentMedian, baselineMedian), change: .inconclusive,
            acknowledged: acknowledged.contains(
                RegressionAcknowledgement(service: pair.service, driver: pair.driver, metric: metric)),
            baselineN: baseline.count, currentN: current.count)
    }

    /// The screen's call on `finding`.
    private func apply(_ result: ScreenResult, to finding: inout RegressionFinding, baselineRuns: Int, historyRuns: Int)
    {
        finding.screen = result
        finding.ratio = result.ratio
        finding.pValue = result.pWorse
        finding.minimumDetectableChange = result.minimumDetectableChange.isFinite ? result.minimumDetectableChange : nil
        if result.degreesOfFreedom > 0, result.standardError.isFinite, result.standardError > 0 {
            let t = StudentTDistribution(degreesOfFreedom: result.degreesOfFreedom).quantile(0.975)
            finding.ratioCILow = exp(result.logDifference - t * result.standardError)
            finding.ratioCIHigh = exp(result.logDifference + t * result.standardError)
        }
        finding.method =
            "run-level screen against \(baselineRuns) baseline run(s)"
            + (historyRuns > 0 ? " and \(historyRuns) earlier comparable run(s)" : "") + " (\(result.noise.rawValue))"
        switch result.finding {
        case .suspectedRegression:
            finding.change = .regression
            finding.note = "suspected by the screen (one-sided p \(String(format: "%.3f", result.pWorse)))"
        case .improvement:
            finding.change = .improvement
        case .unchanged:
            finding.change = .unchanged
        case .inconclusive(let reason):
            finding.change = .inconclusive
            finding.note = reason.rawValue
        }
    }

    static func change(_ exact: ExactComparison.Change) -> Change {
        switch exact {
        case .regression: return .regression
        case .improvement: return .improvement
        case .unchanged: return .unchanged
        }
    }

    /// current / baseline; 1 when both are 0, infinity when only the baseline is.
    static func ratio(_ current: Double, _ baseline: Double) -> Double {
        if baseline == 0 { return current == 0 ? 1 : .infinity }
        return current / baseline
    }

    static func ratioText(_ value: Double) -> String { String(format: "%.3f×", value) }
    static func percent(_ value: Double) -> String {
        let percent = value * 100
        return percent >= 1 ? String(format: "%.0f%%", percent) : String(format: "%.2g%%", percent)
    }
    static func bytes(_ value: Double) -> String {
        value >= 1_048_576 ? String(format: "%.0f MiB", value / 1_048_576) : String(format: "%.0f B", value)
    }
}
