import ContainerBenchAnalysis
import ContainerBenchHistory
import ContainerBenchModel
import Foundation

/// Reads from the history what a run's regressions are judged against: the one place a `BaselineSelection` becomes
/// samples, so `run`, `compare` and `judge` cannot disagree on what "last" or a baseline name means.
public struct BaselineResolver: Sendable {
    /// The history the baseline comes from.
    public var store: any HistoryStore

    /// A resolver over `store`.
    public init(store: any HistoryStore) {
        self.store = store
    }

    /// The baseline `selection` names for `record`; nil for `.none`, or for `last` when no comparable run exists
    /// yet (the first run of a machine has nothing to regress against).
    /// - Throws: `HistoryError` with code `baselineNotFound` for an unknown name, `runNotFound` for an unknown run,
    ///   or when the history cannot be read.
    public func resolve(_ selection: BaselineSelection, for record: RunRecord) throws -> RegressionBaseline? {
        switch selection {
        case .none:
            return nil
        case .named(let name):
            guard try store.baseline(named: name) != nil else {
                throw HistoryError(
                    .baselineNotFound, path: "",
                    detail: "no baseline named '\(name)': see `containerbench baseline list`")
            }
            return RegressionBaseline(
                description: selection.description, samples: try store.samples(baseline: name, scenario: .cold))
        case .run(let id):
            guard try store.run(id: id) != nil else {
                throw HistoryError(.runNotFound, path: "", detail: "no run '\(id)' in the history")
            }
            return RegressionBaseline(
                description: selection.description, samples: try store.samples(runIDs: [id], scenario: .cold))
        case .lastGood(let count):
            let rows = try store.lastGoodRuns(
                count: count, fingerprintKey: record.environment.comparabilityKey, excluding: [record.id])
            guard !rows.isEmpty else { return nil }
            return RegressionBaseline(
                description:
                    "last \(rows.count) good run(s) on this machine (\(rows.map(\.id).joined(separator: ", ")))",
                samples: try store.samples(runIDs: rows.map(\.id), scenario: .cold))
        }
    }

    /// The changes acknowledged as intended (`containerbench acknowledge`).
    /// - Throws: `HistoryError` when the history cannot be read.
    public func acknowledgements() throws -> Set<RegressionAcknowledgement> {
        Set(
            try store.annotations().map {
                RegressionAcknowledgement(service: $0.service, driver: $0.driver, metric: $0.metric)
            })
    }
}

extension RunAnalysis {
    /// Evaluates `record` against `targets` and the baseline `selection` names in `store`.
    /// - Throws: `HistoryError` when the baseline cannot be read (an unknown name or run id).
    public func evaluate(
        _ record: RunRecord, targets: Targets?, policy: [PolicyFinding], store: any HistoryStore,
        baseline selection: BaselineSelection
    ) throws -> Evaluation {
        let resolver = BaselineResolver(store: store)
        guard let baseline = try resolver.resolve(selection, for: record) else {
            return evaluate(record, targets: targets, policy: policy, baseline: nil)
        }
        return evaluate(
            record, targets: targets, policy: policy, baseline: baseline, acknowledged: try resolver.acknowledgements())
    }
}
