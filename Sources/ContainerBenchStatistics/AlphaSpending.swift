import Foundation

/// Spreads an error rate over the looks of a sequential design so that it holds however many looks are taken.
///
/// Each look k tests at its own level α_k with Σ α_k = α; by the union bound the chance of any false decision
/// over all looks is at most α, whatever the dependence between looks and whichever test each look uses (no
/// normal approximation of the path of the statistic, unlike classical group-sequential boundaries, and
/// conservative by as much as consecutive looks are correlated). The interim looks (all but the last) share
/// `interimShare` of α in proportion to the trials each adds; the final look gets the rest. A small share
/// (Haybittle-Peto style) keeps the final look close to a fixed-size test and still stops early for large
/// effects; a share equal to the interim looks' fraction of the trials spends α evenly per trial.
public struct AlphaSpending: Sendable, Equatable, Codable {
    /// The cumulative trial count at each look, ascending; the last is the most a design runs.
    public var looks: [Int]
    /// The share of α spent on the interim looks together, in [0, 1).
    public var interimShare: Double

    /// Spending over `looks` with `interimShare` of α on the interim looks.
    public init(looks: [Int], interimShare: Double) {
        self.looks = looks
        self.interimShare = interimShare
    }

    /// The level of look `look` (1-based) out of `looks.count`, for a total of `alpha`; 0 for a look beyond the
    /// last (nothing is left to spend).
    public func level(atLook look: Int, alpha: Double) -> Double {
        guard look >= 1, look <= looks.count else { return 0 }
        guard looks.count > 1 else { return alpha }
        if look == looks.count { return alpha * (1 - interimShare) }
        let interimTrials = Double(looks[looks.count - 2])
        let added = Double(looks[look - 1] - (look >= 2 ? looks[look - 2] : 0))
        guard interimTrials > 0 else { return 0 }
        return alpha * interimShare * added / interimTrials
    }
}
