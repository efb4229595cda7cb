import ContainerBenchModel
import Foundation

/// The history in a PostgreSQL database that many runners share, through postgres-nio: the same tables, schema
/// versions and queries as `SQLiteHistoryStore`, one transaction per run. Runs of different machines stay apart
/// by their comparability key, as in a file; baselines and acknowledgements are shared by everyone.
///
/// Migrations are recorded in `containerbench_migrations` and applied under an advisory lock, so that runners
/// opening a new or an older database at once migrate it exactly once; a database migrated by a newer binary is
/// refused.
public final class PostgreSQLHistoryStore: RelationalHistoryStore {
    /// The database (its password is never shown).
    public let url: PostgreSQLURL
    /// The shared queries' view of the database.
    public let tables: HistoryTables
    let postgres: PostgreSQLHistoryDatabase

    /// Connects to `url` and migrates the history there to the current schema, creating it (and its schema) when
    /// missing unless `mustExist`.
    /// - Throws: `HistoryError` naming the URL without its password: `cannotConnect`, `authenticationFailed`,
    ///   `cannotOpen`, `newerSchema`, `notAHistory`, `noHistory` (with `mustExist`).
    public convenience init(
        url: PostgreSQLURL, now: @escaping @Sendable () -> Date = Date.init, mustExist: Bool = false
    )
        throws
    {
        try self.init(url: url, now: now, mustExist: mustExist, migratingUpTo: nil)
    }

    /// Opens the history, migrating only up to (and including) migration `target` when given: how databases of an
    /// older schema version are made for tests.
    package init(
        url: PostgreSQLURL, now: @escaping @Sendable () -> Date = Date.init, mustExist: Bool = false,
        migratingUpTo target: String?
    ) throws {
        self.url = url
        postgres = try PostgreSQLHistoryDatabase(url: url)
        tables = HistoryTables(database: postgres, now: now)
        try migrate(mustExist: mustExist, upTo: target)
    }

    /// The migrations applied to the database, oldest first.
    package func appliedSchemaVersions() throws -> [String] {
        try postgres.read { connection in
            try connection.rows("SELECT identifier FROM containerbench_migrations ORDER BY identifier")
                .map { try $0.decode("identifier", as: String.self) }
        }
    }

    /// Runs raw SQL in a write transaction: for tests (a newer schema, a cut connection).
    package func executeRaw(_ sql: String) throws {
        try postgres.write { connection in try connection.execute(sql, []) }
    }

    /// Runs raw SQL at `url` without opening a store (so without migrating or refusing anything): how tests make
    /// and undo states a store would refuse, such as a migration from the future.
    package static func executeRaw(_ sql: String, at url: PostgreSQLURL) throws {
        try PostgreSQLHistoryDatabase(url: url).write { connection in try connection.execute(sql, []) }
    }

    /// The server process of this store's connection: what a test terminates to cut it mid-save.
    package func backendProcessID() throws -> Int {
        try postgres.read { connection in try connection.scalar(Int.self, "SELECT pg_backend_pid()", []) ?? 0 }
    }

    private func migrate(mustExist: Bool, upTo target: String?) throws {
        let known = HistorySchema.identifiers
        let wanted = target.flatMap { known.firstIndex(of: $0) }.map { Array(known[...$0]) } ?? known
        try postgres.write { connection in
            // One migrator at a time per history: the others wait here, then find the work done.
            try connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext(?))", "containerbench-history:\(url.schema ?? "public")")
            let hasMigrations =
                try connection.scalar(
                    String.self, "SELECT to_regclass('containerbench_migrations')::text", []) != nil
            if !hasMigrations {
                if mustExist { throw HistoryError(.noHistory, path: "", detail: "no containerbench tables") }
                if try connection.scalar(String.self, "SELECT to_regclass('runs')::text", []) != nil {
                    throw HistoryError(
                        .notAHistory, path: "", detail: "it has a table 'runs' but no containerbench_migrations")
                }
                if let schema = url.schema {
                    try connection.execute("CREATE SCHEMA IF NOT EXISTS \(connection.quoted(schema))", [])
                }
                try connection.execute(
                    """
                    CREATE TABLE containerbench_migrations (
                        identifier TEXT COLLATE "C" PRIMARY KEY, applied_at BIGINT NOT NULL)
                    """, [])
            }
            let applied = Set(
                try connection.rows("SELECT identifier FROM containerbench_migrations").map {
                    try $0.decode("identifier", as: String.self)
                })
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else {
                throw HistoryError(
                    .newerSchema, path: "",
                    detail: "unknown schema versions \(unknown.sorted().joined(separator: ", ")); this binary knows "
                        + known.joined(separator: ", "))
            }
            for identifier in wanted where !applied.contains(identifier) {
                try HistorySchema.apply(identifier, connection)
                try connection.execute(
                    "INSERT INTO containerbench_migrations (identifier, applied_at) VALUES (?, ?)", identifier,
                    HistoryCoding.milliseconds(Date()))
            }
        }
    }
}
