import Foundation

/// How a budget was decided, with the confidence the data actually gave and the trials a confident verdict needs.
///
/// Every limit is strict: a value must stay below it, and a value at or above it is an exceedance.
public struct BudgetDecision: Sendable, Codable, Equatable {
    /// The verdict.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Below the limit, at the stated confidence (or, for `max`, in every trial seen).
        case pass
        /// At or above the limit: observed (`max`), or too many exceedances for the budget to hold.
        case fail
        /// Neither could be shown at the stated confidence; `trialsNeeded` says how many trials would decide.
        case inconclusive
    }

    /// The rule that decided (for `inconclusive`, the rule that came closest).
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// A trial at or above a `max` limit: a fact, no statistics.
        case observedBreach = "observed breach"
        /// No trial at or above a `max` limit; `exceedanceBound` says what that implies for the next trial.
        case noObservedBreach = "no observed breach"
        /// A binomial test: more exceedances than the budget allows, with `confidence` = 1 − p.
        case exceedanceCount = "binomial exceedance test"
        /// Clopper-Pearson: the exceedance probability is bounded below 1 − p; no distributional assumption.
        case distributionFree = "Clopper-Pearson exceedance bound"
        /// A log-normal upper tolerance bound of the quantile is below the limit (assumption in `assumption`).
        case lognormalTolerance = "log-normal tolerance bound"
        /// One exact value compared with the limit.
        case exactValue = "exact value"
        /// A one-sided t bound of the mean.
        case meanBound = "t bound of the mean"
        /// A one-sided t bound of a ratio on the log scale.
        case logRatioBound = "t bound of the log ratio"
    }

    /// The verdict.
    public var outcome: Outcome
    /// The rule behind it.
    public var method: Method
    /// The confidence the budget was judged at (e.g. 0.95; stricter at the looks of `--trials auto`).
    public var level: Double
    /// The confidence the outcome's claim actually has: ≥ `level` for a statistical pass or fail, 1 for an
    /// observed breach or an exact value, and for `inconclusive` the larger of `passConfidence` and
    /// `failConfidence` (both below `level`).
    public var confidence: Double
    /// The confidence that the budget holds, by the rule that can pass it at this sample size.
    public var passConfidence: Double
    /// The confidence that it does not hold.
    public var failConfidence: Double
    /// Trials judged (for ratios, the smaller side).
    public var n: Int
    /// Trials at or above the limit (tail and percentile budgets).
    public var exceedances: Int?
    /// The one-sided upper bound, at `level`, on the probability that a trial reaches the limit (Clopper-Pearson).
    public var exceedanceBound: Double?
    /// The upper bound of the judged statistic the rule used (tolerance bound, order statistic, t bound), in the
    /// metric's unit; nil when not computed.
    public var bound: Double?
    /// The exact coverage of `bound` (an order statistic of 5 trials bounds a p95 with 22.6%, not 95%).
    public var boundCoverage: Double?
    /// The number of trials (per side, for ratios) at which this budget would be decided at `level` if further
    /// trials look like these: `n` when decided now, nil when no number of trials would decide (or not computed).
    public var trialsNeeded: Int?
    /// The assumption a parametric rule rests on; nil for distribution-free rules.
    public var assumption: String?
    /// One sentence for reports.
    public var explanation: String

    /// Decides this decision now: `outcome` by `method` at `confidence`, resting on `assumption`, said by
    /// `explanation`; no more trials are needed than were run.
    mutating func settle(
        _ outcome: Outcome, by method: Method, confidence: Double, assumption: String?, explanation: String
    ) {
        self.outcome = outcome
        self.method = method
        self.confidence = confidence
        self.assumption = assumption
        self.trialsNeeded = n
        self.explanation = explanation
    }

    /// A decision with the given fields.
    public init(
        outcome: Outcome, method: Method, level: Double, confidence: Double, passConfidence: Double,
        failConfidence: Double, n: Int, exceedances: Int? = nil, exceedanceBound: Double? = nil, bound: Double? = nil,
        boundCoverage: Double? = nil, trialsNeeded: Int? = nil, assumption: String? = nil, explanation: String
    ) {
        self.outcome = outcome
        self.method = method
        self.level = level
        self.confidence = confidence
        self.passConfidence = passConfidence
        self.failConfidence = failConfidence
        self.n = n
        self.exceedances = exceedances
        self.exceedanceBound = exceedanceBound
        self.bound = bound
        self.boundCoverage = boundCoverage
        self.trialsNeeded = trialsNeeded
        self.assumption = assumption
        self.explanation = explanation
    }

    /// Whether the budget is decided (pass or fail): what `--trials auto` waits for.
    public var isDecided: Bool { outcome != .inconclusive }
}
