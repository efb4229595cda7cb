import ContainerBench
import Foundation

/// A fresh, empty history of one kind for one test: a file in its own folder, or a schema of its own in the test
/// database. `remove()` deletes it.
public final class TestHistory: Sendable {
    public let kind: HistoryStoreKind
    /// What `--history` takes for it (for PostgreSQL, a URL with a password: tests only).
    public let location: String
    public let directory: TemporaryDirectory

    /// Makes a new, empty location of `kind` (nothing is created in it until a store opens it).
    public init(_ kind: HistoryStoreKind) throws {
        self.kind = kind
        directory = try TemporaryDirectory("cb-history")
        switch kind {
        case .sqlite:
            location = directory.path + "/history.sqlite"
        case .postgresql:
            let base = try HistoryStoreKind.postgresURL()
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
            location = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }

    /// Opens the store (creating and migrating it).
    public func open(now: @escaping @Sendable () -> Date = Date.init) throws -> any HistoryStore {
        try HistoryLocation.parse(location).open(now: now)
    }

    /// Opens the store migrated only up to `identifier`.
    public func open(migratingUpTo identifier: String) throws -> any HistoryStore {
        switch try HistoryLocation.parse(location) {
        case .file(let path): return try SQLiteHistoryStore(path: path, migratingUpTo: identifier)
        case .postgresql(let url): return try PostgreSQLHistoryStore(url: url, migratingUpTo: identifier)
        }
    }

    /// The location without the password, as messages show it.
    public var redacted: String { (try? HistoryLocation.parse(location).description) ?? location }

    /// Runs raw SQL against the history (a state the API refuses to make), without migrating it: statements
    /// separated by `;` at line ends, each in a transaction of its own.
    public func executeRaw(_ sql: String) throws {
        let statements = sql.components(separatedBy: ";\n")
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        for statement in statements {
            switch try HistoryLocation.parse(location) {
            case .file(let path): try SQLiteHistoryStore.executeRaw(statement, at: path)
            case .postgresql(let url): try PostgreSQLHistoryStore.executeRaw(statement, at: url)
            }
        }
    }

    /// The migrations table's name in this kind of store.
    public var migrationsTable: String { kind == .sqlite ? "grdb_migrations" : "containerbench_migrations" }

    /// Deletes the file or the schema.
    public func remove() {
        if kind == .postgresql, case .postgresql(let url)? = try? HistoryLocation.parse(location),
            let schema = url.schema
        {
            try? PostgreSQLHistoryStore.executeRaw("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", at: url)
        }
        directory.remove()
    }
}
