import ContainerBenchModel
import Foundation

/// Everything a report is made from: one run, how it was judged, and its plots.
public struct ReportInput: Sendable, Equatable {
    /// The run.
    public var record: RunRecord
    /// Its budgets, ratios, regressions and policy findings.
    public var evaluation: Evaluation
    /// Whether inconclusive results fail the run (`--strict`).
    public var strict: Bool
    /// Plots to link or inline.
    public var plots: [ReportPlot]

    /// A report input; see the properties.
    public init(record: RunRecord, evaluation: Evaluation, strict: Bool = false, plots: [ReportPlot] = []) {
        self.record = record
        self.evaluation = evaluation
        self.strict = strict
        self.plots = plots
    }

    /// The verdict, which is also the exit status.
    public var verdict: ExitStatus {
        ExitStatus.verdict(status: record.status, evaluation: evaluation, strict: strict)
    }
}
