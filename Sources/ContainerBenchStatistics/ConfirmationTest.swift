import Foundation

/// Confirms a screened regression with an interleaved A/B in one sitting: the baseline's image (A) against the
/// current image (B) on the same machine, alternating, so that night-to-night drift falls on both sides alike.
///
/// Rounds of A and B trials are added (`plan`) and after each the rule is: **confirmed** when B ÷ A is above 1
/// at this look's level (one-sided, `LogRatioTest`) and by more than `minimumRelativeEffect` (and
/// `absoluteFloor` in the metric's unit); **not confirmed (futility)** when B ÷ A is below 1 + `resolution` at
/// `futilityConfidence` (more trials could not confirm a change worth the name, checked before the last look);
/// **not confirmed (final look)** at the last look; otherwise **continue**. A cell's α (its share of the family's)
/// is spent over the looks by the union bound (`AlphaSpending`), so its false-confirmation rate holds under the
/// repeated looks; futility stops only lower it. With `duet` the trials run in simultaneous pairs and are compared pair by pair.
public struct ConfirmationTest: Sendable, Equatable {
    /// Interleaved independent trials (`.independent`) or duet pairs (`.paired`).
    public var design: LogRatioEstimate.Design
    /// The rounds per side and how α is spread over them.
    public var plan: SequentialPlan
    /// The smallest relative change that is confirmed (a significant +1% is not an alert).
    public var minimumRelativeEffect: Double
    /// The smallest absolute change of the geometric means that is confirmed, in the metric's unit (0: none).
    public var absoluteFloor: Double
    /// The change the A/B should be able to confirm; futility stops when B ÷ A is surely below 1 + resolution.
    public var resolution: Double
    /// The confidence of the futility bound (high, so that a real regression of `resolution` is rarely dropped).
    public var futilityConfidence: Double

    /// A confirmation with the given rule.
    public init(
        design: LogRatioEstimate.Design = .independent,
        plan: SequentialPlan = SequentialPlan(firstLookTrials: 5, roundTrials: 5, maximumTrials: 60, interimShare: 0.1),
        minimumRelativeEffect: Double = 0.05, absoluteFloor: Double = 0, resolution: Double = 0.10,
        futilityConfidence: Double = 0.99
    ) {
        self.design = design
        self.plan = plan
        self.minimumRelativeEffect = minimumRelativeEffect
        self.absoluteFloor = absoluteFloor
        self.resolution = resolution
        self.futilityConfidence = futilityConfidence
    }

    /// The decision after look `look` with the trials so far (`baseline` = A, the baseline's image; `current` =
    /// B), for a cell whose share of the family's error rate is `alpha`.
    ///
    /// - Throws: `StatisticsError` for fewer than 2 trials on a side, non-positive or non-finite values, unequal
    ///   counts in the paired design, or `alpha` outside (0, 1).
    public func decide(baseline: [Double], current: [Double], alpha: Double, look: Int) throws(StatisticsError)
        -> ConfirmationDecision
    {
        guard alpha > 0, alpha < 1 else {
            throw StatisticsError(.invalidParameter, "confirmation: the cell's alpha \(alpha) is not in (0, 1)")
        }
        let estimate =
            design == .paired
            ? try LogRatioTest.paired(numerator: current, denominator: baseline)
            : try LogRatioTest.independent(numerator: current, denominator: baseline)
        let level = plan.level(atLook: look, alpha: alpha)
        let pValue = estimate.pValueAbove(1)
        let absolute = Self.geometricMean(current) - Self.geometricMean(baseline)
        var verdict = ConfirmationDecision.Verdict.continueTrials
        var reason: ConfirmationDecision.Reason?
        if pValue < level && estimate.ratio - 1 > minimumRelativeEffect && absolute > absoluteFloor {
            verdict = .confirmed
            reason = .efficacy
        } else if estimate.confidenceBelow(1 + resolution) > futilityConfidence {
            // Equivalent to the upper bound at `futilityConfidence` being below 1 + resolution, without a quantile.
            // Checked before the last look, so that a change ruled out at the last look says so.
            verdict = .notConfirmed
            reason = .futility
        } else if look >= plan.maximumLooks {
            verdict = .notConfirmed
            reason = .finalLook
        }
        return ConfirmationDecision(
            verdict: verdict, reason: reason, estimate: estimate, pValue: pValue, level: level, look: look,
            futilityConfidence: futilityConfidence)
    }

    private static func geometricMean(_ values: [Double]) -> Double {
        exp(values.reduce(0) { $0 + log($1) } / Double(values.count))
    }
}
