import ContainerBenchModel
import Foundation

/// What the regression gate did with a run's cells, counted once so every format says the same: how many cells
/// were screened, suspected, confirmed or dropped, how many were compared in one sitting or exactly, and how many
/// stay inconclusive.
struct RegressionTally: Sendable {
    /// Every finding (service × driver × metric compared).
    var compared = 0
    /// Judged by the run-level screen.
    var screened = 0
    /// Passed on by the screen to confirmation.
    var suspected = 0
    /// Suspected and confirmed by a same-sitting A/B.
    var confirmed = 0
    /// Suspected and dropped (not confirmed by the A/B, or not significant by Holm without one).
    var dropped = 0
    /// Suspected and left a regression without an A/B (Holm without confirmation, or not confirmed yet).
    var unconfirmed = 0
    /// Compared in one sitting with no screen (`ab`).
    var sameSitting = 0
    /// Exact metrics compared with their tolerance.
    var exact = 0
    /// Could not be decided.
    var inconclusive = 0
    /// Unacknowledged regressions: the alerts.
    var alerts = 0
    /// Regressions marked intended.
    var acknowledged = 0
    /// Improvements.
    var improvements = 0
    /// The inconclusive cells' reasons, each with the range of changes they could have seen.
    var inconclusiveReasons: [(reason: String, detectable: [Double])] = []

    init(_ findings: [RegressionFinding]) {
        compared = findings.count
        for finding in findings {
            if finding.screen != nil { screened += 1 }
            if finding.wasSuspected {
                suspected += 1
                if finding.confirmation?.verdict == .confirmed {
                    confirmed += 1
                } else if finding.change == .unchanged {
                    dropped += 1
                } else if finding.change == .regression {
                    unconfirmed += 1
                }
            }
            if finding.screen == nil && finding.confirmation != nil { sameSitting += 1 }
            if finding.metric.isExact && finding.screen == nil && finding.confirmation == nil { exact += 1 }
            if finding.change == .inconclusive {
                inconclusive += 1
                let reason = finding.note ?? "too few samples"
                let detectable = [finding.minimumDetectableChange].compactMap { $0 }.filter(\.isFinite)
                if let index = inconclusiveReasons.firstIndex(where: { $0.reason == reason }) {
                    inconclusiveReasons[index].detectable += detectable
                } else {
                    inconclusiveReasons.append((reason, detectable))
                }
            }
            if finding.isAlert { alerts += 1 }
            if finding.change == .regression && finding.acknowledged { acknowledged += 1 }
            if finding.change == .improvement { improvements += 1 }
        }
    }

    /// "15 cells compared, 12 screened: 5 suspected, 3 confirmed, 2 dropped; 3 exact; 1 inconclusive (too few
    /// samples, could have seen ≥ +11%)".
    var sentence: String {
        var head = "\(compared) cell\(compared == 1 ? "" : "s") compared"
        if screened > 0 {
            head += ", \(screened) screened: \(suspected) suspected, \(confirmed) confirmed, \(dropped) dropped"
            if unconfirmed > 0 { head += ", \(unconfirmed) regressed without an A/B" }
        }
        var rest: [String] = []
        if sameSitting > 0 { rest.append("\(sameSitting) compared in one sitting") }
        if exact > 0 { rest.append("\(exact) exact") }
        if inconclusive > 0 {
            let reasons = inconclusiveReasons.map { reason, detectable in
                guard let low = detectable.min(), let high = detectable.max() else { return reason }
                let range =
                    ReportText.change(low) == ReportText.change(high)
                    ? ReportText.change(low) : "\(ReportText.change(low)) to \(ReportText.change(high))"
                return "\(reason), could have seen ≥ \(range)"
            }
            rest.append("\(inconclusive) inconclusive (\(reasons.joined(separator: "; ")))")
        }
        return ([head] + rest).joined(separator: "; ")
    }
}
