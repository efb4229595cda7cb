import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// Judges a run against absolute and ratio budgets by what the trials show and what they imply (`BudgetJudge`):
///
/// - `max`: any trial at or above the limit fails, observed; otherwise a pass says how likely the next trial is to
///   reach the limit (an exceedance bound).
/// - `p95`, `median`: too many exceedances for the budget to hold fail (binomial); a pass needs a Clopper-Pearson
///   bound below the budget's share (59 trials for a p95 at 95%), or, with fewer trials and a wide margin, a
///   log-normal tolerance bound below the limit, its assumption stated; otherwise inconclusive, with the trials a
///   confident verdict would need.
/// - `mean`: a one-sided t bound. `value` (exact metrics): the value itself.
/// - ratios (uv ÷ pip build time over repeated builds): a t bound of the log ratio; one build a side is
///   inconclusive.
///
/// Every limit is strict: a value must stay below it. `missing` when there is nothing to judge.
public struct BudgetEvaluator: Sendable, Equatable {
    /// The judge (its confidence; stricter at the interim looks of `--trials auto`).
    public var judge: BudgetJudge

    /// An evaluator with `judge` (the policy's by default).
    public init(judge: BudgetJudge = VerdictPolicy.standard.budgetJudge()) {
        self.judge = judge
    }

    /// Every budget judged for every service × driver of `run` it applies to, and every ratio budget judged for
    /// every service of `run` measured with both of its drivers, in budget order then the run's pair order.
    public func evaluate(targets: Targets, run: RunRecord) -> (budgets: [BudgetVerdict], ratios: [RatioVerdict]) {
        let pairs = run.pairs
        var budgetVerdicts: [BudgetVerdict] = []
        for budget in targets.budgets {
            for pair in pairs where budget.applies(service: pair.service, driver: pair.driver) {
                let values = run.values(
                    of: budget.metric, service: pair.service, driver: pair.driver, scenario: budget.scenario ?? .cold)
                budgetVerdicts.append(judge(budget, pair: pair, values: values))
            }
        }
        var services: [String] = []
        for pair in pairs where !services.contains(pair.service) { services.append(pair.service) }
        var ratioVerdicts: [RatioVerdict] = []
        for budget in targets.ratios {
            for service in services where budget.services.isEmpty || budget.services.contains(service) {
                let numeratorPair = ServiceDriver(service: service, driver: budget.numerator)
                let denominatorPair = ServiceDriver(service: service, driver: budget.denominator)
                guard pairs.contains(numeratorPair), pairs.contains(denominatorPair) else { continue }
                let scenario = budget.scenario ?? .cold
                let numerator = run.values(
                    of: budget.metric, service: service, driver: budget.numerator, scenario: scenario)
                let denominator = run.values(
                    of: budget.metric, service: service, driver: budget.denominator, scenario: scenario)
                ratioVerdicts.append(judge(budget, service: service, numerator: numerator, denominator: denominator))
            }
        }
        return (budgetVerdicts, ratioVerdicts)
    }

    /// One absolute budget judged on the samples of one service × driver.
    public func judge(_ budget: Budget, pair: ServiceDriver, values: [Double]) -> BudgetVerdict {
        var verdict = BudgetVerdict(
            budgetID: budget.id, service: pair.service, driver: pair.driver, metric: budget.metric,
            statistic: budget.statistic, limit: budget.max, observed: nil, n: values.count, outcome: .missing)
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else { return verdict }
        let sorted = values.sorted()
        let observed = budget.statistic.of(sorted: sorted)
        verdict.observed = observed
        verdict.margin = budget.max != 0 ? (budget.max - observed) / budget.max : nil
        let decision: BudgetDecision
        var judge = self.judge
        judge.unit = budget.metric.unit == .seconds ? .seconds : .bytes
        do {
            switch (budget.metric.isExact, budget.statistic) {
            case (true, _), (_, .value): decision = try judge.judgeExact(observed, limit: budget.max)
            case (_, .max): decision = try judge.judgeMaximum(values, limit: budget.max)
            case (_, .p95): decision = try judge.judgeQuantile(values, probability: 0.95, limit: budget.max)
            case (_, .median): decision = try judge.judgeQuantile(values, probability: 0.5, limit: budget.max)
            case (_, .mean): decision = try judge.judgeMean(values, limit: budget.max)
            }
        } catch {
            // Values the judge cannot take (zero or negative durations are broken measurements): nothing to judge.
            return verdict
        }
        verdict.decision = decision
        verdict.outcome = Self.outcome(decision.outcome)
        if let bound = decision.bound, decision.boundCoverage != nil { verdict.ciHigh = bound }
        return verdict
    }

    /// One ratio budget judged on the samples of one service's numerator and denominator drivers.
    public func judge(
        _ budget: RatioBudget, service: String, numerator: [Double], denominator: [Double]
    ) -> RatioVerdict {
        var verdict = RatioVerdict(
            budgetID: budget.id, service: service, metric: budget.metric, numerator: budget.numerator,
            denominator: budget.denominator, limit: budget.max, ratio: nil, outcome: .missing)
        guard !numerator.isEmpty, !denominator.isEmpty,
            numerator.allSatisfy(\.isFinite), denominator.allSatisfy(\.isFinite)
        else { return verdict }
        let bottom = budget.statistic.of(sorted: denominator.sorted())
        // A zero denominator (a build of 0 s, an image of 0 bytes) is a broken measurement, not a ratio.
        guard bottom != 0 else { return verdict }
        verdict.ratio = budget.statistic.of(sorted: numerator.sorted()) / bottom
        do {
            let decision = try judge.judgeRatio(numerator: numerator, denominator: denominator, limit: budget.max)
            verdict.decision = decision
            verdict.outcome = Self.outcome(decision.outcome)
            if let estimate = try? LogRatioTest.independent(numerator: numerator, denominator: denominator) {
                let interval = estimate.interval(level: judge.level)
                verdict.ciLow = interval.low
                verdict.ciHigh = interval.high
            }
        } catch {
            return verdict
        }
        return verdict
    }

    static func outcome(_ decision: BudgetDecision.Outcome) -> Outcome {
        switch decision {
        case .pass: return .pass
        case .fail: return .fail
        case .inconclusive: return .inconclusive
        }
    }
}
