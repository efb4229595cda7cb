import Foundation

/// Judges budgets by what the trials show and what they imply, at a stated confidence (`BudgetDecision`).
///
/// - `max`: a trial at or above the limit fails, as observed. Otherwise the budget passes for the trials seen, and
///   the decision says what that implies: with n trials and no exceedance, P(a trial reaches the limit) is below
///   1 − (1 − level)^(1/n) at `level` (25.9% after 10 trials at 95%).
/// - a quantile p (median, p95, p99): with k of n trials at or above the limit, it fails when k is incompatible
///   with P(exceed) < 1 − p (binomial test, P(X ≥ k | n, 1 − p) < 1 − level). It passes distribution-free when
///   the Clopper-Pearson upper bound of P(exceed) is below 1 − p, which needs at least
///   `distributionFreeMinimumTrials` trials (59 for a p95 at 95%). Below that many trials no distribution-free
///   pass is possible, and the budget passes only when the log-normal upper tolerance bound of the quantile
///   (exact noncentral-t factor) is below the limit. Which route can pass depends on n alone, never on the data,
///   so the two routes do not add up to more than `1 − level` error.
/// - `mean`: a one-sided t bound of the mean (normal approximation of the mean).
/// - ratio: one-sided t bounds of the ratio of geometric means on the log scale (`LogRatioTest`).
/// - exact values (image bytes): compared directly.
public struct BudgetJudge: Sendable, Equatable {
    /// The confidence of every pass and fail, in (0, 1).
    public var level: Double
    /// The fewest trials the log-normal tolerance route is used with (its factor is 7.7 for 3 trials).
    public var parametricMinimumTrials: Int
    /// For `max` budgets: the exceedance probability whose bound `trialsNeeded` is computed for (0.05 → 59 trials).
    public var exceedanceTarget: Double
    /// Whether to compute `trialsNeeded` and the reported bounds (a few milliseconds per decision); the decision
    /// itself does not depend on them. Simulations turn it off.
    public var detailed: Bool
    /// The largest trial count `trialsNeeded` searches up to; beyond it the answer is nil.
    public var maximumTrialsSearched: Int
    /// The unit the explanations print values in ("limit 8.00 s", "largest 412.5 MB"); ratios are unitless.
    public var unit: ValueUnit = .plain

    /// The unit of the values judged, for the explanations.
    public enum ValueUnit: Sendable, Equatable {
        /// Numbers as they are (4 significant digits).
        case plain
        /// Seconds: "840 ms", "1.23 s".
        case seconds
        /// Bytes, decimal: "412.5 MB".
        case bytes
    }

    /// A judge at `level` confidence.
    public init(
        level: Double = 0.95, parametricMinimumTrials: Int = 3, exceedanceTarget: Double = 0.05, detailed: Bool = true,
        maximumTrialsSearched: Int = 100_000
    ) {
        self.level = level
        self.parametricMinimumTrials = parametricMinimumTrials
        self.exceedanceTarget = exceedanceTarget
        self.detailed = detailed
        self.maximumTrialsSearched = maximumTrialsSearched
    }

    /// The assumption the tolerance route names in its decisions.
    public static let lognormalAssumption = "independent trials from a log-normal distribution (normal log values)"

    /// A `max` budget: every trial must stay below `limit`.
    ///
    /// - Throws: `StatisticsError` for no values, a non-finite value, or a level outside (0, 1).
    public func judgeMaximum(_ values: [Double], limit: Double) throws(StatisticsError) -> BudgetDecision {
        try validate(values, limit: limit, routine: "max budget")
        let n = values.count
        let exceedances = values.filter { $0 >= limit }.count
        let largest = values.max() ?? limit
        if exceedances > 0 {
            return BudgetDecision(
                outcome: .fail, method: .observedBreach, level: level, confidence: 1, passConfidence: 0,
                failConfidence: 1, n: n, exceedances: exceedances, exceedanceBound: nil, bound: largest,
                boundCoverage: 1, trialsNeeded: n,
                explanation: "\(exceedances) of \(n) trials at or above the limit \(format(limit)) (largest"
                    + " \(format(largest))): observed, not estimated")
        }
        let bound = ClopperPearson.upperBound(successes: 0, trials: n, confidence: level)
        let needed = Self.trialsBoundingExceedance(below: exceedanceTarget, confidence: level)
        return BudgetDecision(
            outcome: .pass, method: .noObservedBreach, level: level, confidence: level, passConfidence: level,
            failConfidence: 0, n: n, exceedances: 0, exceedanceBound: bound, bound: largest, boundCoverage: nil,
            trialsNeeded: needed.map { Swift.max($0, n) },
            explanation: "no trial of \(n) reached the limit \(format(limit)) (largest \(format(largest)));"
                + " a further trial reaches it with probability at most \(Self.percent(bound)) at"
                + " \(Self.percent(level)) confidence"
                + (needed.map { "; \($0) trials without one would bound it below \(Self.percent(exceedanceTarget))" }
                    ?? ""))
    }

    /// A quantile budget: the `probability` quantile (0.5 = median, 0.95 = p95) must stay below `limit`.
    ///
    /// - Throws: `StatisticsError` for no values, a non-finite value, or a probability or level outside (0, 1).
    public func judgeQuantile(_ values: [Double], probability p: Double, limit: Double) throws(StatisticsError)
        -> BudgetDecision
    {
        try validate(values, limit: limit, routine: "quantile budget")
        guard p > 0, p < 1 else {
            throw StatisticsError(.invalidParameter, "quantile budget: probability \(p) is not in (0, 1)")
        }
        let n = values.count
        let allowed = 1 - p
        let alpha = 1 - level
        let exceedances = values.filter { $0 >= limit }.count
        let binomial = BinomialDistribution(trials: n, probability: allowed)
        let failP = binomial.survival(atLeast: exceedances)
        let failConfidence = exceedances > 0 ? 1 - failP : 0
        let freeConfidence = 1 - binomial.cdf(atMost: exceedances)
        let exceedanceBound = ClopperPearson.upperBound(successes: exceedances, trials: n, confidence: level)
        let minimumFree = Self.distributionFreeMinimumTrials(probability: p, confidence: level)
        let fit = LogFit(values)
        let parametricUsable = n < minimumFree && n >= Swift.max(parametricMinimumTrials, 2) && fit != nil
        var parametricConfidence: Double?
        var margin: Double?
        if parametricUsable, let fit {
            margin = (log(limit) - fit.mean) / fit.sd
            parametricConfidence = NormalToleranceFactor.confidence(n: n, coverage: p, margin: margin ?? 0)
        }
        let passConfidence = n >= minimumFree ? freeConfidence : (parametricConfidence ?? freeConfidence)
        let sorted = values.sorted()
        let described = "\(exceedances) of \(n) trials at or above the limit \(format(limit))"

        var decision = BudgetDecision(
            outcome: .inconclusive, method: parametricConfidence != nil ? .lognormalTolerance : .distributionFree,
            level: level, confidence: Swift.max(passConfidence, failConfidence), passConfidence: passConfidence,
            failConfidence: failConfidence, n: n, exceedances: exceedances, exceedanceBound: exceedanceBound,
            trialsNeeded: nil, assumption: parametricConfidence != nil ? Self.lognormalAssumption : nil,
            explanation: "")
        if exceedances > 0 && failP < alpha {
            decision.settle(
                .fail, by: .exceedanceCount, confidence: failConfidence, assumption: nil,
                explanation: "\(described): incompatible with P(exceed) < \(Self.percent(allowed)) (binomial p ="
                    + " \(Self.plain(failP)))")
        } else if n >= minimumFree && freeConfidence > level {
            decision.settle(
                .pass, by: .distributionFree, confidence: freeConfidence, assumption: nil,
                explanation: "\(described): P(exceed) ≤ \(Self.percent(exceedanceBound)) < \(Self.percent(allowed)) at"
                    + " \(Self.percent(level)) (Clopper-Pearson, no distributional assumption)")
        } else if let parametricConfidence, parametricConfidence >= level {
            decision.settle(
                .pass, by: .lognormalTolerance, confidence: parametricConfidence, assumption: Self.lognormalAssumption,
                explanation: "\(described): the log-normal upper tolerance bound of the \(Self.quantileName(p)) is"
                    + " below the limit at \(Self.percent(parametricConfidence)) confidence (assumes log-normal trials)"
            )
        }
        if decision.outcome == .pass && decision.method == .distributionFree {
            let order = QuantileBound.upper(sorted: sorted, probability: p, confidence: level)
            decision.bound = order?.value
            decision.boundCoverage = order?.coverage
        } else if detailed, parametricUsable, let fit {
            let factor = NormalToleranceFactor.upper(n: n, coverage: p, confidence: level)
            decision.bound = exp(fit.mean + factor * fit.sd)
            decision.boundCoverage = level
        } else if detailed {
            let order = QuantileBound.upper(sorted: sorted, probability: p, confidence: level)
            decision.bound = order?.value
            decision.boundCoverage = order?.coverage
        }
        guard decision.outcome == .inconclusive else { return decision }

        let rate = Double(exceedances) / Double(n)
        var routes: [String] = []
        if detailed {
            if rate > allowed {
                decision.trialsNeeded = trialsToFail(rate: rate, allowed: allowed, from: n)
            } else {
                let free = trialsForDistributionFreePass(exceedances: exceedances, allowed: allowed, from: n)
                let parametric = margin.flatMap { trialsForParametricPass(margin: $0, probability: p, from: n) }
                decision.trialsNeeded = [free, parametric].compactMap { $0 }.min()
                if let free { routes.append("\(free) trials for a distribution-free pass") }
                if let parametric { routes.append("\(parametric) for a log-normal one at this margin") }
            }
        }
        var text =
            "\(described): pass shown at \(Self.percent(passConfidence)), fail at \(Self.percent(failConfidence));"
            + " neither reaches \(Self.percent(level))"
        if !routes.isEmpty {
            text += " (needs " + routes.joined(separator: ", ") + ")"
        } else if let needed = decision.trialsNeeded {
            text += " (needs about \(needed) trials)"
        }
        decision.explanation = text
        return decision
    }

    /// A `mean` budget: the mean must stay below `limit`; one-sided t bounds, so it assumes the mean of the trials
    /// is close to normal. Fewer than 2 trials are inconclusive.
    ///
    /// - Throws: `StatisticsError` for no values or a non-finite value.
    public func judgeMean(_ values: [Double], limit: Double) throws(StatisticsError) -> BudgetDecision {
        try validate(values, limit: limit, routine: "mean budget")
        let n = values.count
        let moments = LogMoments(values)
        let assumption = "the mean of the trials is approximately normal"
        guard n >= 2 else {
            return BudgetDecision(
                outcome: .inconclusive, method: .meanBound, level: level, confidence: 0, passConfidence: 0,
                failConfidence: 0, n: n, trialsNeeded: nil, assumption: assumption,
                explanation: "one trial: a mean budget needs at least 2 to bound the mean")
        }
        let se = (moments.variance / Double(n)).squareRoot()
        let t = StudentTDistribution(degreesOfFreedom: Double(n - 1))
        let distance = limit - moments.mean
        let passConfidence = se > 0 ? t.cdf(distance / se) : (distance > 0 ? 1 : 0)
        let failConfidence = se > 0 ? t.cdf(-distance / se) : (distance <= 0 ? 1 : 0)
        var decision = BudgetDecision(
            outcome: .inconclusive, method: .meanBound, level: level,
            confidence: Swift.max(passConfidence, failConfidence), passConfidence: passConfidence,
            failConfidence: failConfidence, n: n, bound: moments.mean + t.quantile(level) * se, boundCoverage: level,
            trialsNeeded: nil, assumption: assumption, explanation: "")
        if passConfidence > level {
            decision.outcome = .pass
            decision.confidence = passConfidence
        } else if failConfidence >= level {
            decision.outcome = .fail
            decision.confidence = failConfidence
        }
        if decision.isDecided {
            decision.trialsNeeded = n
        } else if detailed, distance != 0, moments.variance > 0 {
            let sd = moments.variance.squareRoot()
            decision.trialsNeeded = firstTrials(from: n) { trials in
                StudentTDistribution(degreesOfFreedom: Double(trials - 1)).quantile(level) * sd
                    / Double(trials).squareRoot() < abs(distance)
            }
        }
        decision.explanation =
            "mean \(format(moments.mean)) of \(n) trials against the limit \(format(limit)):"
            + " below it at \(Self.percent(passConfidence)), at or above at \(Self.percent(failConfidence))"
        return decision
    }

    /// An exact value (image bytes): below `limit` passes, at or above fails, with certainty.
    ///
    /// - Throws: `StatisticsError` for a non-finite value or limit.
    public func judgeExact(_ value: Double, limit: Double) throws(StatisticsError) -> BudgetDecision {
        try validate([value], limit: limit, routine: "exact budget")
        let passes = value < limit
        return BudgetDecision(
            outcome: passes ? .pass : .fail, method: .exactValue, level: level, confidence: 1,
            passConfidence: passes ? 1 : 0, failConfidence: passes ? 0 : 1, n: 1, bound: value, boundCoverage: 1,
            trialsNeeded: 1,
            explanation: "\(format(value)) \(passes ? "<" : "≥") limit \(format(limit)) (exact)")
    }

    /// A ratio budget: numerator ÷ denominator (uv ÷ pip build time) must stay below `limit`, judged on the ratio
    /// of geometric means (of medians, for log-normal times) with one-sided t bounds on the log scale. Builds
    /// repeated in pairs (uv, pip adjacent in time) can be judged `paired`. Fewer than 2 values on a side are
    /// inconclusive: one build per driver has no spread to judge it by.
    ///
    /// - Throws: `StatisticsError` for an empty side, a non-finite or non-positive value, a non-positive limit, or
    ///   unequal counts with `paired`.
    public func judgeRatio(numerator: [Double], denominator: [Double], limit: Double, paired: Bool = false)
        throws(StatisticsError) -> BudgetDecision
    {
        try StatisticsError.validatePositive(numerator, name: "numerator", routine: "ratio budget")
        try StatisticsError.validatePositive(denominator, name: "denominator", routine: "ratio budget")
        try validate([limit], limit: limit, routine: "ratio budget")
        guard limit > 0 else {
            throw StatisticsError(.invalidParameter, "ratio budget: the limit \(limit) must be positive")
        }
        let n = Swift.min(numerator.count, denominator.count)
        guard n >= 2 else {
            return BudgetDecision(
                outcome: .inconclusive, method: .logRatioBound, level: level, confidence: 0, passConfidence: 0,
                failConfidence: 0, n: n, trialsNeeded: nil,
                explanation: "\(numerator.count) ÷ \(denominator.count) repeats: a ratio budget needs at least 2 per"
                    + " side to know its spread (use --build-repeats 3 or more)")
        }
        let estimate =
            paired
            ? try LogRatioTest.paired(numerator: numerator, denominator: denominator)
            : try LogRatioTest.independent(numerator: numerator, denominator: denominator)
        let passConfidence = estimate.confidenceBelow(limit)
        let failConfidence = estimate.confidenceAbove(limit)
        var decision = BudgetDecision(
            outcome: .inconclusive, method: .logRatioBound, level: level,
            confidence: Swift.max(passConfidence, failConfidence), passConfidence: passConfidence,
            failConfidence: failConfidence, n: n, bound: estimate.upperBound(confidence: level), boundCoverage: level,
            trialsNeeded: nil,
            assumption: "log-normal times" + (paired ? " (pairs)" : " (Welch's degrees of freedom)"),
            explanation: "")
        if passConfidence > level {
            decision.outcome = .pass
            decision.confidence = passConfidence
        } else if failConfidence >= level {
            decision.outcome = .fail
            decision.confidence = failConfidence
        }
        let distance = abs(log(limit) - estimate.logRatio)
        if decision.isDecided {
            decision.trialsNeeded = n
        } else if detailed, distance > 0 {
            let se = estimate.standardError
            let df = estimate.degreesOfFreedom
            decision.trialsNeeded = firstTrials(from: n) { trials in
                let scaledDF = Swift.max(df * Double(trials - 1) / Double(n - 1), 1)
                return StudentTDistribution(degreesOfFreedom: scaledDF).quantile(level) * se
                    * (Double(n) / Double(trials)).squareRoot() < distance
            }
        }
        decision.explanation =
            "ratio \(Self.plain(estimate.ratio)) (\(numerator.count) ÷ \(denominator.count) repeats) against the"
            + " limit \(Self.plain(limit)): below it at \(Self.percent(passConfidence)), at or above at"
            + " \(Self.percent(failConfidence))"
        return decision
    }

    /// The fewest trials whose Clopper-Pearson bound with no exceedance is below 1 − `probability` at
    /// `confidence`: 59 for a p95 at 95%, 299 for a p99, 5 for a median.
    public static func distributionFreeMinimumTrials(probability p: Double, confidence: Double) -> Int {
        guard p > 0, p < 1, confidence > 0, confidence < 1 else { return Int.max }
        var n = Swift.max(Int((log(1 - confidence) / log(p)).rounded(.down)), 1)
        while n > 1 && ClopperPearson.upperBound(successes: 0, trials: n - 1, confidence: confidence) < 1 - p {
            n -= 1
        }
        while ClopperPearson.upperBound(successes: 0, trials: n, confidence: confidence) >= 1 - p { n += 1 }
        return n
    }

    /// The fewest trials without an exceedance that bound the exceedance probability below `target` at
    /// `confidence`; nil when `target` is not in (0, 1).
    public static func trialsBoundingExceedance(below target: Double, confidence: Double) -> Int? {
        guard target > 0, target < 1 else { return nil }
        return distributionFreeMinimumTrials(probability: 1 - target, confidence: confidence)
    }

    // MARK: - Trials needed

    /// The fewest trials ≥ `n` at which `exceedances` (no more) give a distribution-free pass.
    private func trialsForDistributionFreePass(exceedances: Int, allowed: Double, from n: Int) -> Int? {
        let minimum = Self.distributionFreeMinimumTrials(probability: 1 - allowed, confidence: level)
        return firstTrials(from: Swift.max(n, minimum)) { trials in
            1 - BinomialDistribution(trials: trials, probability: allowed).cdf(atMost: exceedances) > level
        }
    }

    /// The fewest trials at which the log-normal route passes if the mean and spread of the logs stay as they
    /// are (`margin` = (ln limit − mean) / sd); nil beyond the trials where only the distribution-free rule applies.
    private func trialsForParametricPass(margin: Double, probability p: Double, from n: Int) -> Int? {
        let ceiling = Self.distributionFreeMinimumTrials(probability: p, confidence: level) - 1
        let start = Swift.max(n, parametricMinimumTrials, 2)
        guard margin > NormalDistribution.quantile(p), start <= ceiling else { return nil }
        let passes = { (trials: Int) in
            NormalToleranceFactor.confidence(n: trials, coverage: p, margin: margin) >= self.level
        }
        guard passes(ceiling) else { return nil }
        var low = start
        var high = ceiling
        while low < high {
            let middle = (low + high) / 2
            if passes(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The fewest trials at which the observed exceedance `rate` would fail the budget. Counted up one by one:
    /// rounding the expected exceedances up makes the criterion jump back and forth, so no bisection.
    private func trialsToFail(rate: Double, allowed: Double, from n: Int) -> Int? {
        let ceiling = Swift.min(maximumTrialsSearched, 20_000)
        guard n <= ceiling else { return nil }
        for trials in n...ceiling {
            let expected = Int((rate * Double(trials)).rounded(.up))
            if BinomialDistribution(trials: trials, probability: allowed).survival(atLeast: expected) < 1 - level {
                return trials
            }
        }
        return nil
    }

    /// The smallest trial count from `start` for which `satisfied` holds, assuming it keeps holding once it does
    /// (doubling, then bisection); nil beyond `maximumTrialsSearched`.
    private func firstTrials(from start: Int, _ satisfied: (Int) -> Bool) -> Int? {
        var low = Swift.max(start, 2)
        if satisfied(low) { return low }
        var high = low * 2
        while !satisfied(high) {
            low = high
            high *= 2
            if high > maximumTrialsSearched {
                guard satisfied(maximumTrialsSearched) else { return nil }
                high = maximumTrialsSearched
                break
            }
        }
        // satisfied(high) holds, satisfied(low) does not.
        while high - low > 1 {
            let middle = (low + high) / 2
            if satisfied(middle) { high = middle } else { low = middle }
        }
        return high
    }

    // MARK: - Helpers

    private func validate(_ values: [Double], limit: Double, routine: String) throws(StatisticsError) {
        try StatisticsError.validate(values, name: "trial", routine: routine)
        guard limit.isFinite else {
            throw StatisticsError(.nonFiniteValue, "\(routine): the limit \(limit) is not a finite number")
        }
        guard level > 0, level < 1 else {
            throw StatisticsError(.invalidParameter, "\(routine): the confidence level \(level) is not in (0, 1)")
        }
    }

    /// `value` in the judge's unit.
    func format(_ value: Double) -> String {
        switch unit {
        case .plain: return Self.plain(value)
        case .seconds:
            if abs(value) < 1 { return String(format: "%.0f ms", value * 1000) }
            return String(format: "%.2f s", value)
        case .bytes: return String(format: "%.1f MB", value / 1_000_000)
        }
    }

    static func plain(_ value: Double) -> String {
        String(format: "%.4g", value)
    }

    /// A confidence truncated, never rounded up: 0.9999986 is "99.9998%", 0.96875 is "96.8%", and a confidence
    /// that is 1 in floating point is "> 99.9999%" (a statistical bound is never certain).
    static func percent(_ value: Double) -> String {
        let scaled = value * 100
        guard scaled.isFinite else { return "n/a" }
        if scaled >= 100 - 1e-4 { return "> 99.9999%" }
        // One decimal, or as many as it takes (up to 6) to show the distance from certainty.
        var decimals = 1
        while decimals < 6 && scaled >= 100 - pow(10, -Double(decimals)) { decimals += 1 }
        let factor = pow(10, Double(decimals))
        return String(format: "%.\(decimals)f%%", (scaled * factor).rounded(.down) / factor)
    }

    static func quantileName(_ p: Double) -> String {
        p == 0.5 ? "median" : "p\(String(format: "%g", p * 100))"
    }
}

/// Mean and standard deviation of the logs of positive values; nil when a value is not positive, there are
/// fewer than 2, or every value is the same (a log-normal fit needs a spread).
struct LogFit {
    var mean: Double
    var sd: Double

    init?(_ values: [Double]) {
        guard values.count >= 2, values.allSatisfy({ $0 > 0 }) else { return nil }
        let moments = LogMoments(values.map { log($0) })
        guard moments.variance > 0 else { return nil }
        mean = moments.mean
        sd = moments.variance.squareRoot()
    }
}
