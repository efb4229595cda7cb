import ContainerBenchModel
import Foundation

extension HistoryListing {
    /// An aligned table: one row per run, or per run × service × driver with a metric.
    public func renderTable() -> String {
        if let metric {
            guard !points.isEmpty else { return "no completed run measured \(metric.rawValue) with these filters\n" }
            return TextTable(
                headers: ["RUN", "STARTED (UTC)", "LABEL", "SERVICE", "DRIVER", "N", "MEDIAN \(metric.rawValue)"],
                alignments: [.left, .left, .left, .left, .left, .right, .right],
                rows: points.map {
                    [
                        $0.runID, ReportText.date($0.startedAt), $0.label ?? "-", $0.service, $0.driver, "\($0.n)",
                        ReportText.value($0.median, metric),
                    ]
                }
            ).render()
        }
        guard !runs.isEmpty else { return "no runs match these filters\n" }
        return TextTable(
            headers: ["RUN", "STARTED (UTC)", "STATUS", "LABEL", "TRIALS", "FAILED", "SERVICES", "COMMIT"],
            alignments: [.left, .left, .left, .left, .right, .right, .left, .left],
            rows: runs.map { row in
                [
                    row.id, ReportText.date(row.startedAt), row.status.rawValue, row.label ?? "-", "\(row.trialCount)",
                    "\(row.failedTrialCount)", row.pairs.map(\.description).joined(separator: " "),
                    row.gitCommit.map { String($0.prefix(10)) } ?? "-",
                ]
            }
        ).render()
    }

    /// The listing as JSON (sorted keys, ISO 8601 dates).
    /// - Throws: `ReportError` with code `.encoding` when a value cannot be encoded.
    public func renderJSON() throws -> String {
        do {
            return String(decoding: try JSONReport.encoder().encode(self), as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the history listing as JSON: \(error)")
        }
    }
}
