import ContainerBenchAnalysis
import ContainerBenchHistory
import ContainerBenchModel
import ContainerBenchReport
import Foundation
import Logging

/// `containerbench judge`: a stored run judged again, without measuring: against today's targets (a budget was
/// changed for a release sign-off) and a baseline of the runs before it. Nothing can be confirmed in one sitting
/// then, so suspected regressions are judged by Holm over the run's cells, and say so. The history keeps the run's
/// own evaluation; the new one goes to the reports.
public struct JudgeSession: Sendable {
    public var store: any HistoryStore
    public var policy: VerdictPolicy
    public var artifacts: ArtifactStage

    /// A judge over `store`.
    public init(store: any HistoryStore, policy: VerdictPolicy = .standard, logger: Logger) {
        self.store = store
        self.policy = policy
        self.artifacts = ArtifactStage(logger: logger)
    }

    /// Judges run `record` against `targets` and the baseline `selection` names among the runs before it, and
    /// writes its reports into `directory`.
    /// - Throws: `SessionError` (usage error for an unknown baseline; infrastructure error when the history
    ///   cannot be read or a report written).
    public func judge(
        _ record: RunRecord, targets: Targets?, baseline selection: BaselineSelection, strict: Bool, directory: URL
    ) async throws(SessionError) -> ReportInput {
        var judgePolicy = policy
        judgePolicy.confirms = false
        let analysis = RunAnalysis(policy: judgePolicy)
        let evaluation: Evaluation
        do {
            let resolver = BaselineResolver(store: store, historyRuns: policy.historyRuns, before: record.startedAt)
            let baseline = try resolver.resolve(selection, for: record)
            // What the run's images were judged on at the time, kept: image policy checks need no new data.
            let stored = try store.evaluation(runID: record.id)
            evaluation = analysis.evaluate(
                record, targets: targets, policy: stored?.policy ?? [], baseline: baseline,
                acknowledged: try resolver.acknowledgements())
        } catch let error as HistoryError where error.code == .baselineNotFound || error.code == .runNotFound {
            throw SessionError(.usageError, "--baseline: \(error)")
        } catch {
            throw SessionError(.infrastructureError, "\(error)")
        }
        do {
            return try await artifacts.run(
                record: record, evaluation: evaluation, strict: strict, targets: targets, store: store,
                directory: directory)
        } catch {
            throw SessionError(.infrastructureError, "a report could not be written: \(error)")
        }
    }
}
