import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// How reports phrase a budget verdict: the rule that decided it, the confidence it reached, the bound it used with
/// that bound's own coverage, and the trials a confident verdict would need. Every format takes its cells from here,
/// so no format can label a bound with a confidence it does not have.
extension BudgetVerdict {
    /// The rule ("log-normal tolerance bound", "observed breach"); "not recorded" for a verdict stored before
    /// containerbench recorded it, "n/a" when nothing was judged.
    var decidedByText: String {
        guard let decision else { return outcome == .missing ? "n/a" : "not recorded (older run)" }
        return decision.method.rawValue
    }

    /// The confidence of the outcome's claim: "observed" for what a trial showed (a `max` budget either way),
    /// "exact" for an exact value, otherwise the percentage; for `inconclusive` the side that got further
    /// ("54.9% pass"), both below the level asked for.
    var confidenceText: String {
        guard let decision else { return "n/a" }
        return Self.confidenceText(decision)
    }

    /// The bound the rule used, with its exact coverage ("≤ 1.91 s (coverage 95.0%)", "largest 188.0 MB"); for a
    /// verdict stored before decisions were recorded, its interval with what it was (a bootstrap of unknown
    /// coverage).
    var boundText: String {
        guard let decision else {
            guard ciLow != nil || ciHigh != nil else { return "n/a" }
            return Self.range(ciLow, ciHigh, metric) + " (bootstrap, coverage unknown)"
        }
        switch decision.method {
        case .observedBreach, .noObservedBreach:
            return decision.bound.map { "largest \(ReportText.value($0, metric))" } ?? "n/a"
        case .exactValue:
            return "n/a"
        default:
            guard let bound = decision.bound else { return "n/a" }
            let coverage = decision.boundCoverage.map { "coverage \(ReportText.confidence($0))" }
            return "≤ \(ReportText.value(bound, metric)) (\(coverage ?? "coverage not stated"))"
        }
    }

    /// "k/n" trials at or above the limit, for the budgets that count them.
    var exceedancesText: String {
        guard let decision, let exceedances = decision.exceedances else { return "n/a" }
        return "\(exceedances)/\(decision.n)"
    }

    /// The trials a confident verdict needs: shown for `inconclusive` ("unknown" when no count was found), and
    /// for a decided budget only when it differs from the trials run (a `max` pass needs 59 to bound the chance
    /// of the next trial reaching the limit below 5%).
    var trialsNeededText: String {
        guard let decision else { return "n/a" }
        return Self.neededText(decision)
    }

    /// The judge's sentence, with the assumption a parametric rule rests on.
    var explanationText: String {
        guard let decision else {
            switch outcome {
            case .missing: return "no samples: the build or every trial failed"
            default: return "decided by an older containerbench, which did not record how"
            }
        }
        return Self.explanationText(decision)
    }

    /// A compact phrase for the terminal's BUDGET column: "pass < 8.00 s (96.9%)",
    /// "inconclusive < 8.00 s (54.9% pass; 8 trials would decide)".
    var terminalText: String {
        var text = "\(outcome.rawValue) < \(ReportText.value(limit, metric))"
        guard let decision else { return text }
        text += " (\(Self.confidenceText(decision))"
        if decision.outcome == .inconclusive {
            text += decision.trialsNeeded.map { "; \($0) trials would decide" } ?? "; no trial count found"
        }
        return text + ")"
    }

    static func confidenceText(_ decision: BudgetDecision) -> String {
        switch decision.method {
        case .observedBreach, .noObservedBreach: return "observed"
        case .exactValue: return "exact"
        default:
            guard decision.outcome == .inconclusive else { return ReportText.confidence(decision.confidence) }
            let side = decision.passConfidence >= decision.failConfidence ? "pass" : "fail"
            return "\(ReportText.confidence(decision.confidence)) \(side)"
        }
    }

    static func neededText(_ decision: BudgetDecision) -> String {
        if decision.outcome == .inconclusive { return decision.trialsNeeded.map(String.init) ?? "unknown" }
        guard let needed = decision.trialsNeeded, needed != decision.n else { return "n/a" }
        return "\(needed)"
    }

    static func explanationText(_ decision: BudgetDecision) -> String {
        var text = decision.explanation
        // The judge's sentence names the assumption in short when it passes on it; say it in full otherwise.
        if let assumption = decision.assumption, !text.contains("assumes") { text += "; assumes \(assumption)" }
        return text
    }

    private static func range(_ low: Double?, _ high: Double?, _ metric: Metric) -> String {
        "[\(ReportText.value(low, metric)), \(ReportText.value(high, metric))]"
    }
}

/// How reports phrase a ratio budget: the ratio, its t interval at the judge's level, the rule and confidence, and
/// the builds a confident verdict would need.
extension RatioVerdict {
    /// "[0.38×, 0.46×] at 95.0%": the two-sided t interval of the ratio of geometric means (log scale) at the level
    /// the budget was judged at; an older verdict's interval is labelled a bootstrap of unknown coverage.
    var intervalText: String {
        guard ciLow != nil || ciHigh != nil else { return "n/a" }
        let range = ReportText.ratioInterval(ciLow, ciHigh)
        guard let decision else { return range + " (bootstrap, coverage unknown)" }
        return range + " at \(ReportText.confidence(decision.level))"
    }

    /// The rule ("t bound of the log ratio"), or why there is none.
    var decidedByText: String {
        guard let decision else { return outcome == .missing ? "n/a" : "not recorded (older run)" }
        return decision.method.rawValue
    }

    /// The confidence of the outcome's claim; for `inconclusive` the side that got further.
    var confidenceText: String {
        decision.map(BudgetVerdict.confidenceText) ?? "n/a"
    }

    /// Builds judged per driver (the smaller side).
    var buildsText: String {
        decision.map { "\($0.n)" } ?? "n/a"
    }

    /// Builds per driver a confident verdict would need (shown when inconclusive or when it differs).
    var buildsNeededText: String {
        decision.map(BudgetVerdict.neededText) ?? "n/a"
    }

    /// The judge's sentence, with its assumption.
    var explanationText: String {
        guard let decision else {
            return outcome == .missing
                ? "no samples for one of the drivers" : "decided by an older containerbench, which did not record how"
        }
        return BudgetVerdict.explanationText(decision)
    }
}
