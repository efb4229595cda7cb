import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// How reports phrase a regression finding: which procedure decided it (the run-level screen, a same-sitting A/B,
/// an exact comparison), the screen's ratio with its 95% t interval, the A/B's estimate with each bound's own
/// confidence, the one-sided p, and the smallest change a quiet cell could have shown. Every format takes its
/// cells from here.
extension RegressionFinding {
    /// A finding stored before containerbench recorded how it decided (a Mann-Whitney test, two-sided, with a
    /// bootstrap interval): nothing of the procedure and no note.
    var isLegacy: Bool { screen == nil && confirmation == nil && method == nil && note == nil }

    /// Whether the run-level screen passed the cell on to confirmation.
    var wasSuspected: Bool { screen?.finding == .suspectedRegression }

    /// A suspected cell that ended `unchanged`: dropped by the A/B, or by Holm when no A/B could run.
    var wasDropped: Bool { wasSuspected && change == .unchanged }

    /// The procedure in a few words: "run-level screen + same-sitting A/B", "run-level screen, no A/B",
    /// "same-sitting t on logs", "exact: a change beyond ±1 MiB counts".
    var methodText: String {
        if isLegacy { return "Mann-Whitney (older run)" }
        if let screen {
            var text = "run-level screen"
            if screen.noise == .withinRunOnly { text += " (within-run noise only)" }
            if confirmation != nil { return text + " + same-sitting A/B" }
            return wasSuspected ? text + ", no A/B" : text
        }
        if let confirmation {
            return confirmation.estimate.design == .paired
                ? "same-sitting duet, t on log ratios" : "same-sitting t on logs"
        }
        if metric.isExact, let method { return method }
        return method ?? "not tested"
    }

    /// The screen's two-sided 95% t interval of the run-level ratio ("[1.06×, 1.31×]"); "n/a" without a screen
    /// (the A/B's bounds are in `abText`, with their own confidences).
    var screenIntervalText: String {
        guard screen != nil else { return "n/a" }
        return ReportText.ratioInterval(ratioCILow, ratioCIHigh)
    }

    /// The one-sided p of the finding's direction: that the current side is not worse (the screen's, or the
    /// A/B's without a screen); for an improvement, that it is not better, marked "(better)". An older finding's
    /// Mann-Whitney p is marked two-sided.
    var pText: String {
        if isLegacy { return pValue.map { ReportText.pValue($0) + " (two-sided)" } ?? "n/a" }
        if change == .improvement {
            if let screen { return ReportText.pValue(screen.pBetter) + " (better)" }
            // The A/B's t is continuous: p(not better) = 1 − p(not worse).
            if let confirmation { return ReportText.pValue(1 - confirmation.pValue) + " (better)" }
        }
        return ReportText.pValue(pValue)
    }

    /// The A/B's estimate ("B/A 1.27× (≥ 1.22× at 99.998%, ≤ 1.29× at 99.0%), 5 + 5 trials"), nil without one.
    var abText: String? {
        guard let confirmation else { return nil }
        let estimate = confirmation.estimate
        let counts =
            estimate.design == .paired
            ? "\(estimate.numeratorCount) duet pairs"
            : "\(estimate.denominatorCount) + \(estimate.numeratorCount) trials"
        return "B/A \(ReportText.ratio(estimate.ratio)) (\(Self.boundsText(confirmation))), \(counts)"
    }

    /// The A/B's verdict and estimate for a table cell: "confirmed: B/A …", "not confirmed (futility): B/A …".
    var abCellText: String {
        guard let confirmation, let abText else { return "n/a" }
        var verdict = confirmation.verdict.rawValue
        if confirmation.verdict != .confirmed, let reason = confirmation.reason { verdict += " (\(reason.rawValue))" }
        return "\(verdict): \(abText)"
    }

    /// "≥ +8.6%": the smallest change a quiet (`unchanged` or `inconclusive`) cell could have shown.
    var detectableText: String {
        guard change == .unchanged || change == .inconclusive, let minimumDetectableChange else { return "n/a" }
        return "≥ \(ReportText.change(minimumDetectableChange))"
    }

    /// The gate's note; for an older finding, what its numbers were.
    var noteText: String {
        if let note { return note }
        guard isLegacy else { return "" }
        return "stored by an older containerbench: Mann-Whitney p (two-sided), bootstrap interval "
            + "\(ReportText.ratioInterval(ratioCILow, ratioCIHigh)) of unknown coverage"
    }

    /// The note for a table or a summary line: the A/B's verdict and labelled estimate where an A/B decided a
    /// screened cell (the gate's note says the same with unlabelled bounds), else the gate's note.
    var summaryNoteText: String {
        screen != nil && confirmation != nil ? abCellText : noteText
    }

    /// The note beside an A/B column: empty where the A/B decided a screened cell (the column says it, labelled).
    var tableNoteText: String {
        screen != nil && confirmation != nil ? "" : noteText
    }

    /// Why an inconclusive cell is inconclusive, with what it could have seen: "too few samples, could have seen
    /// ≥ +11%".
    var inconclusiveText: String {
        let reason = note ?? "too few samples"
        guard let minimumDetectableChange, minimumDetectableChange.isFinite else { return reason }
        return "\(reason), could have seen ≥ \(ReportText.change(minimumDetectableChange))"
    }

    /// Everything about how the cell was decided, in sentences: the gate's method, the screen's figures, the
    /// A/B's test, the note. For detail lists and JUnit bodies.
    var detailText: String {
        var parts: [String] = [method ?? methodText]
        if let screen {
            var text =
                "screen: \(ReportText.ratio(screen.ratio)) \(screenIntervalText) (95% t, "
                + String(format: "%.0f", screen.degreesOfFreedom)
                + " df), one-sided p \(ReportText.pValue(screen.pWorse))"
                + " worse, \(ReportText.pValue(screen.pBetter)) better; noise \(screen.noise.rawValue)"
            if screen.spreadRuns > 0 { text += " from \(screen.spreadRuns) runs" }
            let spreads = [("run-to-run", screen.runToRunSD), ("within-run", screen.withinRunSD)].compactMap {
                name, sd in sd.map { "\(name) sd \(String(format: "%.1f%%", $0 * 100))" }
            }
            if !spreads.isEmpty { text += " (" + spreads.joined(separator: ", ") + " of the log)" }
            if screen.minimumDetectableChange.isFinite {
                text += "; could have seen ≥ \(ReportText.change(screen.minimumDetectableChange))"
            }
            parts.append(text + "; screen call: \(screen.finding)")
        }
        if let confirmation, let abText {
            var text = "A/B: \(confirmation.verdict.rawValue)"
            if let reason = confirmation.reason { text += " (\(reason.rawValue))" }
            text +=
                " at look \(confirmation.look), \(abText), one-sided p \(ReportText.pValue(confirmation.pValue))"
                + " against the look's level \(Self.smallPercent(confirmation.level))"
            parts.append(text)
        }
        // A screened cell's A/B note repeats the A/B's figures above.
        if !noteText.isEmpty && !(screen != nil && confirmation != nil) { parts.append(noteText) }
        return parts.joined(separator: "; ")
    }

    /// "≥ 1.22× at 99.998%, ≤ 1.29× at 99.0%": the A/B's lower bound at one minus its test's level (one-sided)
    /// and its upper bound at the futility confidence.
    static func boundsText(_ confirmation: ConfirmationDecision) -> String {
        "≥ \(ReportText.ratio(confirmation.lowerBound)) at \(ReportText.confidence(1 - confirmation.level)), "
            + "≤ \(ReportText.ratio(confirmation.upperBound)) at \(ReportText.confidence(confirmation.futilityConfidence))"
    }

    /// A small level as a percentage with two significant digits ("0.45%", "0.0023%").
    static func smallPercent(_ value: Double) -> String {
        String(format: "%.2g%%", value * 100)
    }
}
