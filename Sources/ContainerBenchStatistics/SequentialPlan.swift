import Foundation

/// A sequential design in interleaved rounds: look after `firstLookTrials`, then after every `roundTrials` more,
/// up to `maximumTrials`, with the error rate spent over the looks (`AlphaSpending`). It drives `--trials auto`
/// (rounds of every cell until every budget and gate is decided) and the same-sitting confirmation A/B.
public struct SequentialPlan: Sendable, Equatable, Codable {
    /// Trials (per side, for an A/B) at the first look.
    public var firstLookTrials: Int
    /// Trials added by each further round.
    public var roundTrials: Int
    /// The most trials the design runs.
    public var maximumTrials: Int
    /// The share of the error rate spent on interim looks (see `AlphaSpending`).
    public var interimShare: Double

    /// A plan with the given rounds and spending.
    public init(firstLookTrials: Int, roundTrials: Int, maximumTrials: Int, interimShare: Double) {
        self.firstLookTrials = firstLookTrials
        self.roundTrials = roundTrials
        self.maximumTrials = maximumTrials
        self.interimShare = interimShare
    }

    /// A plan with a single look at `trials`: a fixed-size design.
    public static func fixed(trials: Int) -> SequentialPlan {
        SequentialPlan(firstLookTrials: trials, roundTrials: 1, maximumTrials: trials, interimShare: 0)
    }

    /// The cumulative trials at each look.
    public var looks: [Int] {
        let first = Swift.max(firstLookTrials, 1)
        let last = Swift.max(maximumTrials, first)
        let step = Swift.max(roundTrials, 1)
        var looks = [first]
        while let current = looks.last, current < last { looks.append(Swift.min(current + step, last)) }
        return looks
    }

    /// The number of looks.
    public var maximumLooks: Int { looks.count }

    /// The cumulative trials at look `look` (1-based), clamped to the plan.
    public func trials(atLook look: Int) -> Int {
        let looks = looks
        return looks[Swift.min(Swift.max(look, 1), looks.count) - 1]
    }

    /// The error rate look `look` may spend out of `alpha`.
    public func level(atLook look: Int, alpha: Double) -> Double {
        AlphaSpending(looks: looks, interimShare: interimShare).level(atLook: look, alpha: alpha)
    }

    /// The confidence a decision at look `look` is made at, for an overall confidence `confidence`.
    public func confidence(atLook look: Int, overall confidence: Double) -> Double {
        1 - level(atLook: look, alpha: 1 - confidence)
    }

    /// What to do after look `look`: another round while something is undecided, looks remain and the time
    /// budget (if any) allows one more round at the pace so far; otherwise stop, saying why.
    ///
    /// - Parameters:
    ///   - undecided: budgets, gates or cells not yet decided at this look's confidence.
    ///   - elapsedSeconds: time spent on the rounds so far.
    ///   - timeBudgetSeconds: the most the rounds may take; nil for no limit.
    public func next(
        afterLook look: Int, undecided: Int, elapsedSeconds: Double = 0, timeBudgetSeconds: Double? = nil
    ) -> SequentialStep {
        if undecided <= 0 { return .stop(.allDecided) }
        if look >= maximumLooks { return .stop(.lookLimit) }
        let done = trials(atLook: look)
        let next = trials(atLook: look + 1)
        if let timeBudgetSeconds, done > 0 {
            let perTrial = elapsedSeconds / Double(done)
            if elapsedSeconds + perTrial * Double(next - done) > timeBudgetSeconds { return .stop(.timeLimit) }
        }
        return .runRound(look: look + 1, trials: next - done)
    }
}

/// What a sequential design does after a look.
public enum SequentialStep: Sendable, Equatable {
    /// Run one more interleaved round of `trials` trials (per cell, or per side), then judge at look `look`.
    case runRound(look: Int, trials: Int)
    /// Stop and report the verdicts of the last look.
    case stop(SequentialStop)
}

/// Why a sequential design stopped.
public enum SequentialStop: String, Sendable, Codable, CaseIterable {
    /// Every budget and gate was decided.
    case allDecided = "all decided"
    /// The last look of the plan was taken; what is still undecided is reported inconclusive.
    case lookLimit = "round limit"
    /// Another round would exceed the time budget.
    case timeLimit = "time limit"
}
