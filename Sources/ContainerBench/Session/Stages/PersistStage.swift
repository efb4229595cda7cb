import ContainerBenchHistory
import ContainerBenchModel
import Foundation

/// Stores runs with their evaluations, each in one transaction of the history.
public struct PersistStage: Sendable {
    public var store: any HistoryStore

    /// A persist stage writing to `store`.
    public init(store: any HistoryStore) {
        self.store = store
    }

    /// Saves each run in order; stops at the first that cannot be stored.
    /// - Throws: `HistoryError` (nothing of the failing run is stored).
    public func run(_ runs: [(record: RunRecord, evaluation: Evaluation)]) throws {
        for (record, evaluation) in runs { try store.save(record, evaluation: evaluation) }
    }
}
