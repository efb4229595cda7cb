import ContainerBenchModel
import Foundation

/// A history kept in SQL tables: both stores conform, and every `HistoryStore` method is implemented once, in this
/// protocol's extensions, over the store's `HistoryTables`.
public protocol RelationalHistoryStore: HistoryStore {
    /// The tables the shared queries run on.
    var tables: HistoryTables { get }
}

/// The database a relational store runs its queries on, and the clock that dates baselines and annotations.
public final class HistoryTables: Sendable {
    let database: any HistoryDatabase
    let now: @Sendable () -> Date

    init(database: any HistoryDatabase, now: @escaping @Sendable () -> Date) {
        self.database = database
        self.now = now
    }
}

extension RelationalHistoryStore {
    /// The file, or the URL without its password.
    public var location: String { tables.database.location }

    var database: any HistoryDatabase { tables.database }
}
