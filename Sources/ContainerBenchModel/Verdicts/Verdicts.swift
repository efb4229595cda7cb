import ContainerBenchStatistics
import Foundation

/// How a budget or a gate came out.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    case pass
    case fail
    /// The confidence interval straddles the limit: more trials are needed to decide.
    case inconclusive
    /// Nothing to judge (no samples: the build or every trial failed).
    case missing
}

/// One absolute budget judged for one service × driver.
public struct BudgetVerdict: Sendable, Codable, Equatable {
    public var budgetID: String
    public var service: String
    public var driver: String
    public var metric: Metric
    public var statistic: BudgetStatistic
    public var limit: Double
    /// The statistic's value; nil when `missing`.
    public var observed: Double?
    /// An interval of the statistic with a stated coverage, when the rule gives one (`decision.bound` and
    /// `decision.boundCoverage` say what it is); nil otherwise. Never a bootstrap interval labelled 95%.
    public var ciLow: Double?
    public var ciHigh: Double?
    public var n: Int
    public var outcome: Outcome
    /// (limit - observed) / limit: positive is headroom, negative is overshoot.
    public var margin: Double?
    /// How the budget was decided: the rule, the confidence the data gave, exceedances, the bound and its coverage,
    /// and the trials a confident verdict needs. Nil in verdicts stored before containerbench said so.
    public var decision: BudgetDecision?

    public init(
        budgetID: String, service: String, driver: String, metric: Metric, statistic: BudgetStatistic, limit: Double,
        observed: Double?, ciLow: Double? = nil, ciHigh: Double? = nil, n: Int, outcome: Outcome,
        margin: Double? = nil, decision: BudgetDecision? = nil
    ) {
        self.budgetID = budgetID
        self.service = service
        self.driver = driver
        self.metric = metric
        self.statistic = statistic
        self.limit = limit
        self.observed = observed
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.n = n
        self.outcome = outcome
        self.margin = margin
        self.decision = decision
    }
}

/// One ratio budget judged for one service.
public struct RatioVerdict: Sendable, Codable, Equatable {
    public var budgetID: String
    public var service: String
    public var metric: Metric
    public var numerator: String
    public var denominator: String
    public var limit: Double
    public var ratio: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var outcome: Outcome
    /// How the ratio was decided (a t bound of the log ratio over the repeated builds), with its confidence and the
    /// builds a confident verdict needs.
    public var decision: BudgetDecision?

    public init(
        budgetID: String, service: String, metric: Metric, numerator: String, denominator: String, limit: Double,
        ratio: Double?, ciLow: Double? = nil, ciHigh: Double? = nil, outcome: Outcome, decision: BudgetDecision? = nil
    ) {
        self.budgetID = budgetID
        self.service = service
        self.metric = metric
        self.numerator = numerator
        self.denominator = denominator
        self.limit = limit
        self.ratio = ratio
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.outcome = outcome
        self.decision = decision
    }
}

/// What a comparison of one metric between a baseline and a run found.
public enum Change: String, Codable, Sendable {
    /// Significantly worse, beyond the minimum effect.
    case regression
    /// Significantly better, beyond the minimum effect.
    case improvement
    /// No significant change, or one below the minimum effect.
    case unchanged
    /// Too few samples to test.
    case inconclusive
}

/// One service × driver × metric compared against a baseline.
public struct RegressionFinding: Sendable, Codable, Equatable {
    public var service: String
    public var driver: String
    public var metric: Metric
    public var baselineMedian: Double
    public var currentMedian: Double
    /// current / baseline medians.
    public var ratio: Double
    public var ratioCILow: Double?
    public var ratioCIHigh: Double?
    /// Two-sided Mann-Whitney p-value (nil for exact metrics).
    public var pValue: Double?
    /// Benjamini-Hochberg adjusted across the run's grid.
    public var adjustedPValue: Double?
    public var change: Change
    /// An annotation acknowledged this change as intended: reported, not alerted.
    public var acknowledged: Bool
    public var baselineN: Int
    public var currentN: Int
    /// The run-level screen against a baseline of runs (sampled metrics of `run` and `compare`).
    public var screen: ScreenResult?
    /// The same-sitting A/B (baseline image against current image) that confirmed or dropped the screen's alert.
    public var confirmation: ConfirmationDecision?
    /// How the change was decided, for reports ("run-level screen against 10 runs; confirmed by an A/B of 20 + 20").
    public var method: String?
    /// The smallest relative change this comparison could have detected (0.08 = 8%), when known.
    public var minimumDetectableChange: Double?
    /// Why the cell is inconclusive ("too few samples", "run-to-run noise unknown"), or other context.
    public var note: String?

    /// Whether this finding alerts: a regression nobody acknowledged. The one definition of an alert, used by the
    /// verdict, the confirmation and every report.
    public var isAlert: Bool { change == .regression && !acknowledged }

    public init(
        service: String, driver: String, metric: Metric, baselineMedian: Double, currentMedian: Double,
        ratio: Double, ratioCILow: Double? = nil, ratioCIHigh: Double? = nil, pValue: Double? = nil,
        adjustedPValue: Double? = nil, change: Change, acknowledged: Bool = false, baselineN: Int, currentN: Int
    ) {
        self.service = service
        self.driver = driver
        self.metric = metric
        self.baselineMedian = baselineMedian
        self.currentMedian = currentMedian
        self.ratio = ratio
        self.ratioCILow = ratioCILow
        self.ratioCIHigh = ratioCIHigh
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.change = change
        self.acknowledged = acknowledged
        self.baselineN = baselineN
        self.currentN = currentN
    }
}

/// A check of an image's configuration (non-root user, HEALTHCHECK, no secrets baked in).
public struct PolicyFinding: Sendable, Codable, Equatable {
    public var service: String
    public var driver: String
    /// "non-root", "healthcheck", "no-secrets".
    public var check: String
    public var outcome: Outcome
    public var detail: String
    /// How much a failure of this check counts (`error` fails the run, `warn` is reported only).
    public var level: PolicyLevel

    public init(
        service: String, driver: String, check: String, outcome: Outcome, detail: String, level: PolicyLevel = .error
    ) {
        self.service = service
        self.driver = driver
        self.check = check
        self.outcome = outcome
        self.detail = detail
        self.level = level
    }

    /// Whether this finding fails the run: a failed check at level `error`.
    public var failsRun: Bool { outcome == .fail && level == .error }

    /// `pass`, `fail`, or `warn` (a failed check at level `warn`): what reports show.
    public var displayOutcome: String { outcome == .fail && level == .warn ? "warn" : outcome.rawValue }

    enum CodingKeys: String, CodingKey { case service, driver, check, outcome, detail, level }

    /// Decodes a finding; one stored before levels existed is at level `error`, as it was judged then.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        service = try container.decode(String.self, forKey: .service)
        driver = try container.decode(String.self, forKey: .driver)
        check = try container.decode(String.self, forKey: .check)
        outcome = try container.decode(Outcome.self, forKey: .outcome)
        detail = try container.decode(String.self, forKey: .detail)
        level = try container.decodeIfPresent(PolicyLevel.self, forKey: .level) ?? .error
    }
}

/// Everything a run was judged on, and the verdict that becomes the exit code.
public struct Evaluation: Sendable, Codable, Equatable {
    public var runID: String
    public var budgets: [BudgetVerdict]
    public var ratios: [RatioVerdict]
    /// Empty when no baseline was given or found.
    public var regressions: [RegressionFinding]
    /// What the regressions were compared against ("baseline nightly", "run 2026…", "last 5 runs").
    public var baselineDescription: String?
    public var policy: [PolicyFinding]

    public init(
        runID: String, budgets: [BudgetVerdict] = [], ratios: [RatioVerdict] = [],
        regressions: [RegressionFinding] = [], baselineDescription: String? = nil, policy: [PolicyFinding] = []
    ) {
        self.runID = runID
        self.budgets = budgets
        self.ratios = ratios
        self.regressions = regressions
        self.baselineDescription = baselineDescription
        self.policy = policy
    }
}
