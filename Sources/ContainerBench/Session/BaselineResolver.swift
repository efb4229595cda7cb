import ContainerBenchAnalysis
import ContainerBenchHistory
import ContainerBenchModel
import Foundation

/// Reads from the history what a run's regressions are judged against: the one place a `BaselineSelection` becomes
/// samples, so `run`, `compare` and `judge` cannot disagree on what "last" or a baseline name means. Baselines are
/// kept run by run (not pooled: the gate judges at the run level), with earlier comparable runs as the history
/// the run-to-run spread is learned from.
public struct BaselineResolver: Sendable {
    /// The history the baseline comes from.
    public var store: any HistoryStore
    /// How many earlier comparable runs give the spread of a single-run baseline.
    public var historyRuns: Int
    /// Only runs started before this (re-judging a stored run: its baseline is what came before it); nil for any.
    public var before: Date?

    /// A resolver over `store`.
    public init(store: any HistoryStore, historyRuns: Int = 10, before: Date? = nil) {
        self.store = store
        self.historyRuns = historyRuns
        self.before = before
    }

    /// The newest `count` completed runs of machine `key` (started before `before`), leaving out `excluding`.
    private func lastGood(_ count: Int, key: String, excluding: Set<String>) throws -> [RunSummaryRow] {
        guard let before else {
            return try store.lastGoodRuns(count: count, fingerprintKey: key, excluding: excluding)
        }
        // Runs after `before` are skipped: ask for as many more as there are.
        let newer = try store.runs(filter: RunFilter(status: .completed, since: before)).count
        return Array(
            try store.lastGoodRuns(count: count + newer, fingerprintKey: key, excluding: excluding)
                .filter { $0.startedAt < before }.prefix(count))
    }

    /// The baseline `selection` names for `record`; nil for `.none`, or for `last` when no comparable run exists
    /// yet (the first run of a machine has nothing to regress against).
    /// - Throws: `HistoryError` with code `baselineNotFound` for an unknown name, `runNotFound` for an unknown run,
    ///   or when the history cannot be read.
    public func resolve(_ selection: BaselineSelection, for record: RunRecord) throws -> RegressionBaseline? {
        let key = record.environment.comparabilityKey
        switch selection {
        case .none:
            return nil
        case .named(let name):
            guard let baseline = try store.baseline(named: name) else {
                throw HistoryError(
                    .baselineNotFound, path: "",
                    detail: "no baseline named '\(name)': see `containerbench baseline list`")
            }
            var runs: [RegressionBaseline.Run] = []
            for id in baseline.runIDs where try store.run(id: id) != nil {
                runs.append(RegressionBaseline.Run(id: id, samples: try store.samples(runIDs: [id], scenario: .cold)))
            }
            if runs.isEmpty {
                // The runs were deleted; the baseline kept its samples, pooled.
                runs = [RegressionBaseline.Run(id: nil, samples: try store.samples(baseline: name, scenario: .cold))]
            }
            return RegressionBaseline(
                description: selection.description, runs: runs,
                history: try history(key: key, excluding: Set(baseline.runIDs + [record.id])))
        case .run(let id):
            guard let run = try store.run(id: id) else {
                throw HistoryError(.runNotFound, path: "", detail: "no run '\(id)' in the history")
            }
            return RegressionBaseline(
                description: selection.description,
                runs: [RegressionBaseline.Run(id: id, samples: try store.samples(runIDs: [id], scenario: .cold))],
                history: try history(key: run.environment.comparabilityKey, excluding: [id, record.id]))
        case .lastGood(let count):
            let rows = try lastGood(count + historyRuns, key: key, excluding: [record.id])
            let baselineRows = Array(rows.prefix(count))
            guard !baselineRows.isEmpty else { return nil }
            return RegressionBaseline(
                description:
                    "last \(baselineRows.count) good run(s) on this machine "
                    + "(\(baselineRows.map(\.id).joined(separator: ", ")))",
                runs: try baselineRows.map {
                    RegressionBaseline.Run(id: $0.id, samples: try store.samples(runIDs: [$0.id], scenario: .cold))
                },
                history: try rows.dropFirst(count).map {
                    RegressionBaseline.Run(id: $0.id, samples: try store.samples(runIDs: [$0.id], scenario: .cold))
                })
        }
    }

    /// The newest comparable runs outside `excluding`, per run.
    private func history(key: String, excluding: Set<String>) throws -> [RegressionBaseline.Run] {
        try lastGood(historyRuns, key: key, excluding: excluding).map {
            RegressionBaseline.Run(id: $0.id, samples: try store.samples(runIDs: [$0.id], scenario: .cold))
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
        let resolver = BaselineResolver(store: store, historyRuns: self.policy.historyRuns)
        guard let baseline = try resolver.resolve(selection, for: record) else {
            return evaluate(record, targets: targets, policy: policy, baseline: nil)
        }
        return evaluate(
            record, targets: targets, policy: policy, baseline: baseline, acknowledged: try resolver.acknowledgements())
    }
}
