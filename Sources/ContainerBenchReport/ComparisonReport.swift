import ContainerBenchModel
import Foundation

/// The outcome of comparing two sides (two runs for `compare`, two Dockerfiles for `ab`): per metric the medians,
/// the ratio B/A with its bootstrap interval, the p-values and the regression gate's verdict, plus the exit status.
///
/// Rendered as an aligned table for terminals and as versioned JSON (`containerbench.compare/v1` or
/// `containerbench.ab/v1`, same shape) for machines.
public struct ComparisonReport: Sendable, Codable, Equatable {
    /// The schema of `compare --format json`.
    public static let compareSchema = "containerbench.compare/v1"
    /// The schema of `ab --json`.
    public static let abSchema = "containerbench.ab/v1"

    /// One side of the comparison.
    public struct Side: Sendable, Codable, Equatable {
        /// "A" (the baseline) or "B" (the current side).
        public var name: String
        /// What the side is: a run id, a Dockerfile path, a git ref.
        public var source: String
        /// The run its samples come from.
        public var runID: String

        /// Makes a side.
        public init(name: String, source: String, runID: String) {
            self.name = name
            self.source = source
            self.runID = runID
        }
    }

    /// The exit code contract of the comparison.
    public struct Verdict: Sendable, Codable, Equatable {
        /// "pass", "regression", ...
        public var status: String
        /// The process exit code.
        public var exitCode: Int32
    }

    /// `compareSchema` or `abSchema`.
    public var schema: String
    /// The baseline side.
    public var baseline: Side
    /// The current side, judged against the baseline.
    public var current: Side
    /// One finding per service × driver × metric measured on both sides.
    public var findings: [RegressionFinding]
    /// The verdict, which is also the exit status.
    public var verdict: Verdict
    /// What the current images add over the baseline's, per service × driver whose images both have an inventory
    /// (one entry in `ab`); absent when no pair has.
    public var inventory: [InventoryComparison]?

    /// A report of `findings`. The verdict is `interrupted` or `infrastructure error` when the measurement did not
    /// complete (`runStatus`: the findings of a partial run cannot be trusted), else `regression` when any finding
    /// is an unacknowledged regression, else `pass`.
    public init(
        schema: String, baseline: Side, current: Side, findings: [RegressionFinding], runStatus: RunStatus = .completed,
        inventory: [InventoryComparison] = []
    ) {
        self.schema = schema
        self.baseline = baseline
        self.current = current
        self.findings = findings
        self.inventory = inventory.isEmpty ? nil : inventory
        let status: ExitStatus
        switch runStatus {
        case .interrupted: status = .interrupted
        case .failed, .running: status = .infrastructureError
        case .completed: status = ComparisonReport.status(of: findings)
        }
        self.verdict = Verdict(status: status.description, exitCode: status.rawValue)
    }

    /// `regression` when a finding is an unacknowledged regression, `pass` otherwise.
    public static func status(of findings: [RegressionFinding]) -> ExitStatus {
        findings.contains(where: \.isAlert) ? .regression : .pass
    }

    /// The exit status the verdict stands for.
    public var exitStatus: ExitStatus {
        ExitStatus(rawValue: verdict.exitCode) ?? .infrastructureError
    }

    /// An aligned table, one row per finding, under a line naming both sides and over the verdict; below it, per
    /// pair with inventories on both sides, what B adds over A (`InventoryComparison.renderTable`).
    /// - Parameter showPairs: include the service and driver columns (compare); `ab` has one pair only.
    public func renderTable(showPairs: Bool = true) -> String {
        var headers = ["METRIC", "A MEDIAN", "B MEDIAN", "B/A", "95% CI", "P", "P (BH)", "N A/B", "VERDICT"]
        var alignments: [TextTable.Alignment] = [.left, .right, .right, .right, .right, .right, .right, .right, .left]
        if showPairs {
            headers.insert(contentsOf: ["SERVICE", "DRIVER"], at: 0)
            alignments.insert(contentsOf: [.left, .left], at: 0)
        }
        let rows = findings.map { finding -> [String] in
            var verdict = finding.change.rawValue
            if finding.acknowledged && finding.change == .regression { verdict += " (acknowledged)" }
            var row = [
                finding.metric.rawValue,
                ReportText.value(finding.baselineMedian, finding.metric),
                ReportText.value(finding.currentMedian, finding.metric),
                ReportText.ratio(finding.ratio),
                ReportText.ratioInterval(finding.ratioCILow, finding.ratioCIHigh),
                ReportText.pValue(finding.pValue),
                ReportText.pValue(finding.adjustedPValue),
                "\(finding.baselineN)/\(finding.currentN)",
                verdict,
            ]
            if showPairs { row.insert(contentsOf: [finding.service, finding.driver], at: 0) }
            return row
        }
        var out = "A (baseline): \(baseline.source) [run \(baseline.runID)]\n"
        out += "B (current):  \(current.source) [run \(current.runID)]\n\n"
        if findings.isEmpty {
            out += "no metric was measured on both sides: nothing to compare\n"
        } else {
            out += TextTable(headers: headers, alignments: alignments, rows: rows).render()
        }
        for comparison in inventory ?? [] {
            out += "\n" + comparison.renderTable(showPair: showPairs)
        }
        out += "\nverdict: \(verdict.status) (exit \(verdict.exitCode))\n"
        return out
    }

    /// The report as JSON (sorted keys, ISO 8601 dates, non-finite numbers as strings, like the run report).
    /// - Throws: `ReportError` with code `.encoding` when a value cannot be encoded.
    public func renderJSON() throws -> String {
        do {
            let data = try JSONReport.encoder().encode(self)
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the comparison as JSON: \(error)")
        }
    }
}
