import ContainerBenchAnalysis
import ContainerBenchEngine
import ContainerBenchMeasure
import ContainerBenchModel
import ContainerBenchStatistics
import Foundation
import Logging

/// Confirms the screen's suspected regressions in one sitting: for each suspected service × driver, interleaved
/// rounds of trials of the baseline's kept image (A) and the current image (B), judged after each round by the
/// confirmation test at the family-wise level over the suspected cells, until every cell is confirmed or dropped
/// or the plan's last round. Drift between nights cannot enter: A and B run on the same machine minutes apart.
///
/// A suspicion with no kept baseline image (the baseline run's images were removed), or whose baseline image is the
/// current image itself (the change lies outside the image: the run's settings, the machine), is judged without
/// confirmation (Holm over the run's screens), and says so.
public struct ConfirmationStage: Sendable {
    /// What the confirmation did.
    public struct Result: Sendable {
        public var findings: [RegressionFinding]
        /// One line per cell confirmed or dropped, for the run's warnings.
        public var notes: [String]
        /// Trials run, per side, summed over the pairs.
        public var trials: Int
        public var interrupted = false
    }

    public var policy: VerdictPolicy
    public var kept: KeptImages

    /// A stage confirming with `policy`'s plan against `kept` images.
    public init(policy: VerdictPolicy, kept: KeptImages) {
        self.policy = policy
        self.kept = kept
    }

    /// Confirms the pending suspicions of `findings` (regressions with a screen and no confirmation) of `record`,
    /// whose baseline runs are `baselineRuns` (newest first).
    /// - Parameter settings: the trial settings digests a baseline run recorded (`EnvironmentFingerprint.trialSettings`),
    ///   by run id; nil when unknown (the A/B goes ahead).
    public func run(
        findings: [RegressionFinding], record: RunRecord, baselineRuns: [String], context: MeasureContext,
        settings: @Sendable (String) -> [String: String]? = { _ in nil }
    ) async -> Result {
        var result = Result(findings: findings, notes: [], trials: 0)
        let pending = findings.indices.filter {
            findings[$0].change == .regression && findings[$0].screen != nil && findings[$0].confirmation == nil
                && RegressionGate.isConfirmable(findings[$0].metric)
        }
        guard !pending.isEmpty else { return result }
        let alpha = policy.confirmationAlpha(screenedCells: pending.count)
        var byPair: [ServiceDriver: [Int]] = [:]
        for index in pending {
            byPair[ServiceDriver(service: findings[index].service, driver: findings[index].driver), default: []]
                .append(index)
        }
        var unconfirmable: [Int] = []
        var sameImage: [Int] = []
        var otherSettings: [Int] = []
        // Each baseline run's settings are read once, however many of its pairs are confirmed.
        var settingsByRun: [String: [String: String]?] = [:]
        for pair in byPair.keys.sorted(by: { ($0.service, $0.driver) < ($1.service, $1.driver) }) {
            let cells = byPair[pair] ?? []
            guard
                let spec = context.plan.pairs.first(where: {
                    $0.service.name == pair.service && $0.driver.name == pair.driver
                })?.service,
                let baseline = await kept.image(service: pair.service, driver: pair.driver, among: baselineRuns)
            else {
                unconfirmable += cells
                continue
            }
            let current = ImageTag.of(
                service: pair.service, driver: pair.driver, scenario: .cold, runID: record.id)
            // The baseline ran with other settings (environment, command, health check): the A/B runs both images
            // with today's, so it would not test what changed.
            if settingsByRun[baseline.runID] == nil { settingsByRun[baseline.runID] = settings(baseline.runID) }
            if let old = settingsByRun[baseline.runID]??[pair.service],
                let new = record.environment.trialSettings?[pair.service], old != new
            {
                otherSettings += cells
                continue
            }
            // The same image on both sides: what changed is outside it (the run's settings, the machine), which an
            // A/B of the two images cannot see; it would run one image twice and drop a real change.
            let recorded = record.images.first { $0.service == pair.service && $0.driver == pair.driver }?.imageID
            let currentID: String?
            if let recorded {
                currentID = recorded
            } else {
                currentID = try? await kept.engine.inspectImage(current)?.id
            }
            if let old = try? await kept.engine.inspectImage(baseline.image)?.id, old == currentID {
                sameImage += cells
                continue
            }
            let metrics = cells.map { findings[$0].metric }
            // Only memory needs the memory window; startup alone is measured at ready.
            let window = metrics.contains { $0.unit == .bytes } ? spec.memoryWindow : 0
            var a: [TrialRecord] = []
            var b: [TrialRecord] = []
            var undecided = Set(cells)
            let plan = policy.confirmationPlan
            for look in 1...plan.maximumLooks where !undecided.isEmpty {
                let target = plan.trials(atLook: look)
                while a.count < target || b.count < target {
                    if Task.isCancelled {
                        result.interrupted = true
                        break
                    }
                    // A B, then B A: drift within the sitting falls on both sides alike.
                    let order = (a.count + b.count) / 2 % 2 == 0 ? [true, false] : [false, true]
                    for isBaseline in order {
                        let trial = await context.trialRunner.run(
                            TrialTarget(
                                image: isBaseline ? baseline.image : current, service: pair.service,
                                driver: isBaseline ? "baseline" : "current", port: spec.port, health: spec.health,
                                readyTimeout: spec.readyTimeout, memoryWindow: window,
                                environment: spec.environment, command: spec.command),
                            index: isBaseline ? a.count : b.count)
                        context.progress.advance(
                            .confirm, pair.service, pair.driver,
                            "A/B \(isBaseline ? "baseline" : "current") \(isBaseline ? a.count + 1 : b.count + 1)")
                        if isBaseline { a.append(trial) } else { b.append(trial) }
                    }
                }
                if result.interrupted { break }
                for index in undecided {
                    let metric = findings[index].metric
                    let old = Self.values(metric, a)
                    let new = Self.values(metric, b)
                    guard old.count >= 2, new.count >= 2,
                        let decision = try? policy.confirmation(absoluteFloor: metric.absoluteNoiseFloor)
                            .decide(baseline: old, current: new, alpha: alpha, look: look)
                    else { continue }
                    if decision.verdict != .continueTrials || look == plan.maximumLooks {
                        RegressionGate.apply(decision, to: &result.findings[index])
                        result.notes.append(
                            "\(pair) \(metric.rawValue): \(result.findings[index].note ?? "") (against the image of run "
                                + "\(baseline.runID))")
                        undecided.remove(index)
                    }
                }
            }
            result.trials += a.count + b.count
            unconfirmable += undecided
        }
        let reasons = [
            (unconfirmable, result.interrupted ? "the confirmation was interrupted" : "no kept image of the baseline"),
            (sameImage, "the baseline ran this same image: the change is outside the image, which an A/B cannot see"),
            (
                otherSettings,
                "the baseline's trials ran with other settings (environment, command, health check, load), which an A/B "
                    + "of the images under today's settings cannot see"
            ),
        ]
        for (cells, why) in reasons where !cells.isEmpty {
            // Holm over the screens decides these, as without confirmation.
            var holm = result.findings
            RegressionGate(policy: policy).settleUnconfirmed(&holm, why: why)
            for index in cells {
                result.findings[index] = holm[index]
                result.notes.append(
                    "\(result.findings[index].service)/\(result.findings[index].driver) "
                        + "\(result.findings[index].metric.rawValue): \(result.findings[index].note ?? "")")
            }
        }
        return result
    }

    /// One metric's values over trials (successful ones).
    static func values(_ metric: Metric, _ trials: [TrialRecord]) -> [Double] {
        let record = RunRecord(
            id: "confirmation", startedAt: Date(), suite: "", environment: EnvironmentFingerprint(), trials: trials)
        guard let first = trials.first else { return [] }
        return record.values(of: metric, service: first.service, driver: first.driver)
    }
}
