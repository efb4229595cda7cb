import ContainerBenchModel
import ContainerBenchStatistics
import ContainerBenchSupport
import Foundation

/// Judges a run against absolute and ratio budgets, with bootstrap intervals so that a figure near the limit is
/// called inconclusive rather than pass or fail by luck.
///
/// Outcomes: `pass` when the whole interval (or the value, without an interval) is below the limit, `fail` when
/// the whole interval is at or above it, `inconclusive` when the interval straddles it, `missing` when there is
/// nothing to judge (the build or every trial failed). Intervals are computed for sampled metrics with at least
/// two samples; exact metrics (image bytes) and the `value` statistic are compared directly.
public struct BudgetEvaluator: Sendable, Equatable {
    /// Resamples per bootstrap interval.
    public var resamples: Int
    /// Coverage of the intervals.
    public var level: Double
    /// Mixed with each verdict's identity, so each interval is reproducible and independent of evaluation order.
    public var seed: UInt64

    /// An evaluator with `resamples` bootstrap resamples at `level` coverage.
    public init(resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0x5eed) {
        self.resamples = resamples
        self.level = level
        self.seed = seed
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
        let observed = budget.statistic.of(sorted: values.sorted())
        verdict.observed = observed
        verdict.margin = budget.max != 0 ? (budget.max - observed) / budget.max : nil
        let interval =
            usesInterval(budget.metric, budget.statistic)
            ? bootstrap(for: "\(budget.id)|\(pair.service)|\(pair.driver)").interval(of: values, budget.statistic)
            : nil
        verdict.ciLow = interval?.low
        verdict.ciHigh = interval?.high
        verdict.outcome = BudgetEvaluator.outcome(observed: observed, interval: interval, limit: budget.max)
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
        let ratio = budget.statistic.of(sorted: numerator.sorted()) / bottom
        verdict.ratio = ratio
        let interval =
            usesInterval(budget.metric, budget.statistic)
            ? bootstrap(for: "\(budget.id)|\(service)").ratioInterval(
                numerator: numerator, denominator: denominator, budget.statistic)
            : nil
        verdict.ciLow = interval?.low
        verdict.ciHigh = interval?.high
        verdict.outcome = BudgetEvaluator.outcome(observed: ratio, interval: interval, limit: budget.max)
        return verdict
    }

    /// The outcome of comparing a statistic (and its interval, if any) with a limit it must stay below.
    public static func outcome(observed: Double, interval: ConfidenceInterval?, limit: Double) -> Outcome {
        guard let interval else { return observed < limit ? .pass : .fail }
        if interval.high < limit { return .pass }
        if interval.low >= limit { return .fail }
        return .inconclusive
    }

    private func usesInterval(_ metric: Metric, _ statistic: BudgetStatistic) -> Bool {
        !metric.isExact && statistic != .value
    }

    private func bootstrap(for identity: String) -> Bootstrap {
        Bootstrap(resamples: resamples, level: level, seed: seed ^ StableHash.value(identity))
    }
}
