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
    /// Which image a format of one image (CycloneDX) is about; nil when the run has only one.
    public var image: ImageSelection?

    /// An image of the run, by service and driver; either may be nil when only one image has the other.
    public struct ImageSelection: Sendable, Equatable {
        /// The service, or nil for any.
        public var service: String?
        /// The driver, or nil for any.
        public var driver: String?

        /// A selection; see the properties.
        public init(service: String?, driver: String?) {
            self.service = service
            self.driver = driver
        }
    }

    /// A report input; see the properties.
    public init(
        record: RunRecord, evaluation: Evaluation, strict: Bool = false, plots: [ReportPlot] = [],
        image: ImageSelection? = nil
    ) {
        self.record = record
        self.evaluation = evaluation
        self.strict = strict
        self.plots = plots
        self.image = image
    }

    /// The verdict, which is also the exit status.
    public var verdict: ExitStatus {
        ExitStatus.verdict(status: record.status, evaluation: evaluation, strict: strict)
    }
}
