import ContainerBenchModel
import Foundation

/// The outcome of comparing two sides (two runs for `compare`, two Dockerfiles for `ab`): per metric the medians,
/// the ratio B/A with its interval (for `ab` the same-sitting test's bounds, each at its own confidence; for
/// `compare` the run-level screen's 95% t interval), the one-sided p and the regression gate's verdict, plus the
/// exit status.
///
/// Rendered as an aligned table for terminals and as versioned JSON (`containerbench.compare/v2` or
/// `containerbench.ab/v2`, same shape) for machines; v2 because the findings' `pValue` became one-sided and their
/// interval what the procedure gives (docs/report-schema.md).
public struct ComparisonReport: Sendable, Codable, Equatable {
    /// The schema of `compare --format json`.
    public static let compareSchema = "containerbench.compare/v2"
    /// The schema of `ab --json`.
    public static let abSchema = "containerbench.ab/v2"

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
    /// is an unacknowledged regression, else `inconclusive` when `strict` and a finding is undecided, else `pass`.
    public init(
        schema: String, baseline: Side, current: Side, findings: [RegressionFinding], runStatus: RunStatus = .completed,
        inventory: [InventoryComparison] = [], strict: Bool = false
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
        case .completed: status = ComparisonReport.status(of: findings, strict: strict)
        }
        self.verdict = Verdict(status: status.description, exitCode: status.rawValue)
    }

    /// `regression` when a finding is an unacknowledged regression; with `strict`, `inconclusive` when a finding
    /// is undecided; `pass` otherwise.
    public static func status(of findings: [RegressionFinding], strict: Bool = false) -> ExitStatus {
        if findings.contains(where: \.isAlert) { return .regression }
        if strict && findings.contains(where: { $0.change == .inconclusive && !$0.acknowledged }) {
            return .inconclusive
        }
        return .pass
    }

    /// The exit status the verdict stands for.
    public var exitStatus: ExitStatus {
        ExitStatus(rawValue: verdict.exitCode) ?? .infrastructureError
    }

    /// An aligned table, one row per finding, under a line naming both sides and over the verdict: A's and B's
    /// medians, B/A, its interval (what it is and at which confidence is said under the table), the one-sided p,
    /// the trial counts, the verdict; then the family-wise level the verdicts hold, the gate's notes and, per pair
    /// with inventories on both sides, what B adds over A (`InventoryComparison.renderTable`).
    /// - Parameter showPairs: include the service and driver columns (compare); `ab` has one pair only.
    public func renderTable(showPairs: Bool = true) -> String {
        var headers = ["METRIC", "A MEDIAN", "B MEDIAN", "B/A", "INTERVAL", "P (ONE-SIDED)", "N A/B", "VERDICT"]
        var alignments: [TextTable.Alignment] = [.left, .right, .right, .right, .right, .right, .right, .left]
        if showPairs {
            headers.insert(contentsOf: ["SERVICE", "DRIVER"], at: 0)
            alignments.insert(contentsOf: [.left, .left], at: 0)
        }
        let labels = findings.map(Self.intervalLabel)
        let distinct = labels.compactMap { $0 }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let rows = findings.enumerated().map { index, finding -> [String] in
            var verdict = finding.wasDropped ? "dropped (unchanged)" : finding.change.rawValue
            if finding.acknowledged && finding.change == .regression { verdict += " (acknowledged)" }
            var interval = ReportText.ratioInterval(finding.ratioCILow, finding.ratioCIHigh)
            if distinct.count > 1, let label = labels[index] { interval += " (\(label))" }
            var row = [
                finding.metric.rawValue,
                ReportText.value(finding.baselineMedian, finding.metric),
                ReportText.value(finding.currentMedian, finding.metric),
                ReportText.ratio(finding.ratio),
                interval,
                finding.pText,
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
            out += "\n"
            if distinct.count == 1 { out += "interval: \(distinct[0])\n" }
            if let family = familyWiseText { out += "family-wise: \(family)\n" }
            let tally = RegressionTally(findings)
            if tally.screened > 0 { out += "screen: \(tally.sentence)\n" }
            for finding in findings where !finding.summaryNoteText.isEmpty || finding.change == .inconclusive {
                let text = finding.change == .inconclusive ? finding.inconclusiveText : finding.summaryNoteText
                out +=
                    "note: " + (showPairs ? "\(finding.service)/\(finding.driver) " : "")
                    + "\(finding.metric.rawValue): \(text)\n"
            }
        }
        for comparison in inventory ?? [] {
            out += "\n" + comparison.renderTable(showPair: showPairs)
        }
        out += "\nverdict: \(verdict.status) (exit \(verdict.exitCode))\n"
        return out
    }

    /// What a finding's interval is: the A/B's bounds (one-sided lower at one minus the test's level, upper at the
    /// futility confidence) when no screen came first; the screen's two-sided 95% t interval otherwise; nil
    /// without an interval.
    static func intervalLabel(_ finding: RegressionFinding) -> String? {
        guard finding.ratioCILow != nil || finding.ratioCIHigh != nil else { return nil }
        if finding.screen != nil { return "two-sided 95% t interval of the run-level ratio (noise between runs)" }
        if let confirmation = finding.confirmation {
            return "bounds of B/A (geometric means): lower one-sided at "
                + "\(ReportText.confidence(1 - confirmation.level)), upper at "
                + "\(ReportText.confidence(confirmation.futilityConfidence)) (futility)"
        }
        return finding.isLegacy ? "bootstrap interval of unknown coverage (older run)" : nil
    }

    /// The false-alarm rate the same-sitting verdicts hold over the metrics: the union bound over the tests
    /// actually made ("P(any false regression among 2 metrics) ≤ 0.90%, 2 one-sided t tests at 0.45% each");
    /// nil when no finding was tested in one sitting.
    var familyWiseText: String? {
        let tests = findings.compactMap { $0.screen == nil ? $0.confirmation : nil }
        guard !tests.isEmpty else { return nil }
        let total = tests.map(\.level).reduce(0, +)
        let levels = tests.map(\.level).reduce(into: [Double]()) { if !$0.contains($1) { $0.append($1) } }
        let each =
            levels.count == 1
            ? "at \(RegressionFinding.smallPercent(levels[0])) each"
            : "at " + levels.map(RegressionFinding.smallPercent).joined(separator: ", ")
        let metrics = "\(tests.count) metric\(tests.count == 1 ? "" : "s")"
        return "P(any false regression among \(metrics)) ≤ \(RegressionFinding.smallPercent(total)) "
            + "(Bonferroni: one-sided t on logs \(each))"
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
