import ContainerBenchAnalysis
import ContainerBenchHistory
import ContainerBenchModel
import Foundation

/// Judges a measured run: budgets, ratios, policy, and regressions against the baseline the selection names in
/// the history (read through `BaselineResolver`).
public struct AnalysisStage: Sendable {
    public var store: any HistoryStore
    public var analysis: RunAnalysis

    /// An analysis stage reading baselines from `store`.
    public init(store: any HistoryStore, analysis: RunAnalysis = RunAnalysis()) {
        self.store = store
        self.analysis = analysis
    }

    /// Evaluates `record`.
    /// - Throws: `HistoryError` when the baseline cannot be read.
    public func evaluate(
        _ record: RunRecord, targets: Targets?, policy: [PolicyFinding], baseline: BaselineSelection
    ) throws -> Evaluation {
        try analysis.evaluate(record, targets: targets, policy: policy, store: store, baseline: baseline)
    }

    /// Evaluates `record`, and returns the baseline it was judged against; when the baseline cannot be read,
    /// judges the budgets alone and records why in the run's errors (which makes its verdict an infrastructure
    /// error: a gate that could not run is not a pass).
    public func run(
        record: inout RunRecord, targets: Targets?, policy: [PolicyFinding], baseline selection: BaselineSelection
    ) -> (evaluation: Evaluation, baseline: RegressionBaseline?) {
        do {
            let resolver = BaselineResolver(store: store, historyRuns: analysis.policy.historyRuns)
            guard let baseline = try resolver.resolve(selection, for: record) else {
                return (analysis.evaluate(record, targets: targets, policy: policy, baseline: nil), nil)
            }
            let evaluation = analysis.evaluate(
                record, targets: targets, policy: policy, baseline: baseline,
                acknowledged: try resolver.acknowledgements())
            return (evaluation, baseline)
        } catch {
            record.errors.append("regression gate: \(error)")
            if record.status == .completed { record.status = .failed }
            return (analysis.evaluate(record, targets: targets, policy: policy, baseline: nil), nil)
        }
    }
}
