import Foundation

/// The decision of a same-sitting confirmation A/B at one look.
public struct ConfirmationDecision: Sendable, Codable, Equatable {
    /// What to do with the alert.
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        /// The regression is real (at the family-wise level) and larger than the minimum effect: alert.
        case confirmed
        /// Not confirmed: drop the screen's alert.
        case notConfirmed = "not confirmed"
        /// Undecided: run another interleaved round of A and B.
        case continueTrials = "continue"
    }

    /// Why the A/B stopped.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// B is worse than A at this look's level, by more than the minimum effect.
        case efficacy
        /// B is, with `futilityConfidence`, less than the resolution worse than A: more trials would not confirm.
        case futility
        /// The last look of the plan passed without confirmation.
        case finalLook = "final look"
    }

    /// The verdict.
    public var verdict: Verdict
    /// Why it stopped; nil while continuing.
    public var reason: Reason?
    /// B ÷ A on the log scale.
    public var estimate: LogRatioEstimate
    /// The one-sided p-value of "B is not worse than A".
    public var pValue: Double
    /// The level this look tested at (the cell's share of the family's α, spent over the looks).
    public var level: Double
    /// The look (1-based).
    public var look: Int
    /// The confidence of the futility bound.
    public var futilityConfidence: Double

    /// A decision with the given fields.
    public init(
        verdict: Verdict, reason: Reason?, estimate: LogRatioEstimate, pValue: Double, level: Double, look: Int,
        futilityConfidence: Double
    ) {
        self.verdict = verdict
        self.reason = reason
        self.estimate = estimate
        self.pValue = pValue
        self.level = level
        self.look = look
        self.futilityConfidence = futilityConfidence
    }

    /// B ÷ A is above this at confidence 1 − `level`: how much worse B at least is (computed on access).
    public var lowerBound: Double {
        level > 0 && level < 1 ? estimate.lowerBound(confidence: 1 - level) : 0
    }

    /// B ÷ A is below this at `futilityConfidence`: how much worse B at most is (computed on access).
    public var upperBound: Double {
        estimate.upperBound(confidence: futilityConfidence)
    }

    private enum CodingKeys: String, CodingKey {
        case verdict, reason, estimate, pValue, level, look, futilityConfidence, lowerBound, upperBound
    }

    /// Decodes a decision; the bounds in the document are ignored, as they follow from the other fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            verdict: try container.decode(Verdict.self, forKey: .verdict),
            reason: try container.decodeIfPresent(Reason.self, forKey: .reason),
            estimate: try container.decode(LogRatioEstimate.self, forKey: .estimate),
            pValue: try container.decode(Double.self, forKey: .pValue),
            level: try container.decode(Double.self, forKey: .level),
            look: try container.decode(Int.self, forKey: .look),
            futilityConfidence: try container.decode(Double.self, forKey: .futilityConfidence))
    }

    /// Encodes the decision with its bounds (`lowerBound`, `upperBound`), so that readers of the JSON need not
    /// compute them from the estimate. A non-finite bound is left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(estimate, forKey: .estimate)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(level, forKey: .level)
        try container.encode(look, forKey: .look)
        try container.encode(futilityConfidence, forKey: .futilityConfidence)
        if lowerBound.isFinite { try container.encode(lowerBound, forKey: .lowerBound) }
        if upperBound.isFinite { try container.encode(upperBound, forKey: .upperBound) }
    }
}
