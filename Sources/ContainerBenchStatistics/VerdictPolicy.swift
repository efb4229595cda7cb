import Foundation

/// Every default behind containerbench's verdicts in one place: the run, `--trials auto` and `containerbench
/// simulate` build their budget judges, screens and confirmations from the same policy, so what the simulation
/// measures is what the product does.
///
/// Why these numbers (the simulation table in docs/statistics.md shows what they buy):
/// - 10 trials per cell: with 10% within-run CV the mean of 10 trials has a standard error (3.2%) about equal to a
///   3% run-to-run drift. Kalibera & Jones: repeat at the lower level until its noise no longer dominates the
///   higher level's; beyond that, more trials per run buy little, because tonight's own drift remains.
/// - 10 baseline runs: the screen's t has 9 degrees of freedom (t₀.₈ = 0.88 instead of 0.94 with 5 runs) and the
///   baseline mean adds 10% to the variance instead of 20%.
/// - screen at one-sided 0.2: the screen only chooses what to confirm. It passes on a +10% change at 10% CV on
///   about 88% of nights at 3% drift; 24 unchanged cells send ~4.7 a night to confirmation, most dropped after
///   one or two rounds by the futility rule. (0.25 buys about 2 points of power for 10% more trials.)
/// - confirmation: family-wise α = 1% per night over the cells screened that night (Bonferroni, α/m each,
///   spent over up to 12 rounds of 5 + 5 interleaved trials, 90% of it at the last look). Because the A/B's trials
///   are new and drift-free, P(any false alarm in a night) ≤ α whatever the screen did and whatever the drift.
///   The family is the screened cells, not all 24: a lone regressed cell competes with ~4 others, not 23.
/// - futility at 99%: an A/B stops as "not confirmed" once B ÷ A < 1.10 at 99% confidence: a real +10% change
///   is dropped at a given look at most 1% of the time, and an unchanged cell usually after 10 to 15 trials a
///   side. Up to 60 a side, because those are only spent on cells that keep looking regressed.
public struct VerdictPolicy: Sendable, Equatable, Codable {
    /// The confidence of every budget verdict.
    public var budgetConfidence: Double
    /// The fewest trials the log-normal tolerance route of a quantile budget is used with.
    public var parametricMinimumTrials: Int
    /// For `max` budgets: the exceedance probability `trialsNeeded` is computed for.
    public var exceedanceTarget: Double
    /// Trials per service × driver in a run (`--trials`).
    public var trialsPerCell: Int
    /// Cold builds per service × driver (`--build-repeats`): what ratio budgets and build cells are judged on.
    public var buildRepeats: Int
    /// Comparable earlier runs the default baseline is made of (`--baseline last`).
    public var baselineRuns: Int
    /// Comparable runs whose spread is learned when the baseline is a single run (`run:ID`, a named baseline).
    public var historyRuns: Int
    /// The screen's one-sided level.
    public var screenAlpha: Double
    /// The relative change a quiet cell must be able to show to be called `unchanged`, and the change the
    /// confirmation's futility rule protects.
    public var resolution: Double
    /// The detection probability minimum detectable changes are stated for.
    public var detectionPower: Double
    /// The family-wise false-alarm rate of a night (one run with its confirmations).
    public var familyAlpha: Double
    /// The smallest relative change confirmed as a regression.
    public var minimumRelativeEffect: Double
    /// The tolerance of exact metrics, in bytes.
    public var exactTolerance: Double
    /// Whether alerts are confirmed by a same-sitting A/B (`run` with a baseline); off, the screen is judged with
    /// Holm at `familyAlpha` over all cells instead.
    public var confirms: Bool
    /// Rounds and spending of the confirmation A/B (per side).
    public var confirmationPlan: SequentialPlan
    /// The confidence of the confirmation's futility bound.
    public var futilityConfidence: Double
    /// Interleaved trials or duet pairs.
    public var confirmationDesign: LogRatioEstimate.Design
    /// The rounds of `--trials auto` (per cell) and how the budgets' error is spent over them.
    public var autoPlan: SequentialPlan

    /// The defaults.
    public init(
        budgetConfidence: Double = 0.95, parametricMinimumTrials: Int = 3, exceedanceTarget: Double = 0.05,
        trialsPerCell: Int = 10, buildRepeats: Int = 3, baselineRuns: Int = 10, historyRuns: Int = 10,
        screenAlpha: Double = 0.2, resolution: Double = 0.10, detectionPower: Double = 0.8, familyAlpha: Double = 0.01,
        minimumRelativeEffect: Double = 0.05, exactTolerance: Double = 1_048_576, confirms: Bool = true,
        confirmationPlan: SequentialPlan = SequentialPlan(
            firstLookTrials: 5, roundTrials: 5, maximumTrials: 60, interimShare: 0.1),
        futilityConfidence: Double = 0.99, confirmationDesign: LogRatioEstimate.Design = .independent,
        autoPlan: SequentialPlan = SequentialPlan(
            firstLookTrials: 10, roundTrials: 5, maximumTrials: 40, interimShare: 0.5)
    ) {
        self.budgetConfidence = budgetConfidence
        self.parametricMinimumTrials = parametricMinimumTrials
        self.exceedanceTarget = exceedanceTarget
        self.trialsPerCell = trialsPerCell
        self.buildRepeats = buildRepeats
        self.baselineRuns = baselineRuns
        self.historyRuns = historyRuns
        self.screenAlpha = screenAlpha
        self.resolution = resolution
        self.detectionPower = detectionPower
        self.familyAlpha = familyAlpha
        self.minimumRelativeEffect = minimumRelativeEffect
        self.exactTolerance = exactTolerance
        self.confirms = confirms
        self.confirmationPlan = confirmationPlan
        self.futilityConfidence = futilityConfidence
        self.confirmationDesign = confirmationDesign
        self.autoPlan = autoPlan
    }

    /// The defaults containerbench ships with.
    public static let standard = VerdictPolicy()

    /// The budget judge of a fixed-size run, or of look `look` of `--trials auto` (its confidence is the look's
    /// share of the budget's error rate, so that pass and fail hold over all looks).
    public func budgetJudge(look: Int? = nil, detailed: Bool = true) -> BudgetJudge {
        let level = look.map { autoPlan.confidence(atLook: $0, overall: budgetConfidence) } ?? budgetConfidence
        return BudgetJudge(
            level: level, parametricMinimumTrials: parametricMinimumTrials, exceedanceTarget: exceedanceTarget,
            detailed: detailed)
    }

    /// The regression screen for a run of `cells` cells (improvements are reported at `familyAlpha` ÷ cells,
    /// since they are not confirmed).
    public func screen(cells: Int) -> RegressionScreen {
        RegressionScreen(
            alpha: screenAlpha, improvementAlpha: FamilyWiseError.bonferroniLevel(alpha: familyAlpha, tests: cells),
            resolution: resolution, power: detectionPower)
    }

    /// The confirmation A/B, with the metric's absolute floor (e.g. 0.01 s for startup, 4 MB for memory).
    public func confirmation(absoluteFloor: Double = 0) -> ConfirmationTest {
        ConfirmationTest(
            design: confirmationDesign, plan: confirmationPlan, minimumRelativeEffect: minimumRelativeEffect,
            absoluteFloor: absoluteFloor, resolution: resolution, futilityConfidence: futilityConfidence)
    }

    /// Each confirmed cell's share of the night's error rate when `screenedCells` cells are being confirmed.
    public func confirmationAlpha(screenedCells: Int) -> Double {
        FamilyWiseError.bonferroniLevel(alpha: familyAlpha, tests: screenedCells)
    }

    /// The comparison of exact metrics.
    public var exactComparison: ExactComparison {
        ExactComparison(tolerance: exactTolerance)
    }

    /// Without confirmation: which cells are regressions, by Holm at `familyAlpha` over the screens' one-sided
    /// `pWorse` of every cell of the run, and a relative change above `minimumRelativeEffect`. Valid only as far
    /// as the between-run model is (drift independent from run to run); say so in reports.
    public func unconfirmedRegressions(_ results: [ScreenResult]) -> [Bool] {
        let rejected = FamilyWiseError.holm(results.map(\.pWorse), alpha: familyAlpha)
        return zip(rejected, results).map { $0 && $1.ratio - 1 > minimumRelativeEffect }
    }

    /// Whether `--trials auto` can stop adding trials to a cell: it is flagged or improved, it is `unchanged`,
    /// or even `maximumTrials` trials (at the current within-run spread) would leave its minimum detectable change
    /// above the resolution, so more trials cannot make it decidable tonight.
    public func screenIsSettled(
        _ result: ScreenResult, current: RunSummary, baseline: [RunSummary], history: [RunSummary] = [],
        maximumTrials: Int
    ) -> Bool {
        switch result.finding {
        case .suspectedRegression, .improvement, .unchanged: return true
        case .inconclusive(.noRunToRunEstimate): return true
        case .inconclusive(.tooFewSamples):
            guard current.count < maximumTrials else { return true }
            let best = screen(cells: 1).minimumDetectableChange(
                trials: maximumTrials, logVariance: current.logVariance, baseline: baseline, history: history)
            guard let best else { return true }
            return best > resolution
        }
    }
}
