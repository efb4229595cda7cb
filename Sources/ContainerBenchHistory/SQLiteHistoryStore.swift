import ContainerBenchModel
import Foundation
import GRDB

/// The history in one SQLite file, through GRDB: WAL mode so that readers never wait for (or fail because of) a
/// run being written, a busy timeout for writers of other processes, one transaction per run.
///
/// Dates are stored as milliseconds since 1970 (`datetime(started_at / 1000, 'unixepoch')` in SQL), so a run loads
/// back equal to what was saved when its dates are whole milliseconds, as `RunRecord.makeID`'s clock gives.
public final class SQLiteHistoryStore: RelationalHistoryStore {
    /// Where the history lives unless told otherwise.
    public static let defaultPath = "results/history.sqlite"

    /// How long a writer waits for another process's write to finish before failing with `busy`.
    public static let busyTimeout: TimeInterval = 300

    /// The history file.
    public let path: String
    let pool: DatabasePool
    /// The shared queries' view of the file.
    public let tables: HistoryTables

    /// Opens the history at `path`, creating the file and its folders when missing and migrating it to the
    /// current schema.
    /// - Parameters:
    ///   - path: the SQLite file; `results/history.sqlite` by default.
    ///   - now: the clock that dates baselines and annotations.
    /// - Throws: `HistoryError`: `readOnly` when the file or its folder cannot be written (nothing is written
    ///   then), `notADatabase`, `newerSchema`, `cannotCreateDirectory`, `cannotOpen`.
    public convenience init(
        path: String = SQLiteHistoryStore.defaultPath, now: @escaping @Sendable () -> Date = Date.init
    )
        throws
    {
        try self.init(path: path, now: now, migratingUpTo: nil)
    }

    /// Opens the history, migrating only up to (and including) migration `target` when given: how the fixture
    /// files of older schema versions are made.
    package init(path: String, now: @escaping @Sendable () -> Date = Date.init, migratingUpTo target: String?) throws {
        self.path = path
        try Self.prepareFile(at: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "containerbench-history"
        configuration.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
        tables = HistoryTables(database: SQLiteHistoryDatabase(pool: pool, location: path), now: now)
        do {
            let migrator = HistorySchema.migrator
            let unknown = try pool.read { db in
                try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            }
            guard unknown.isEmpty else {
                throw HistoryError(
                    .newerSchema, path: path,
                    detail: "unknown schema versions \(unknown.sorted().joined(separator: ", ")); this binary knows "
                        + migrator.migrations.joined(separator: ", ")
                )
            }
            if let target {
                try migrator.migrate(pool, upTo: target)
            } else {
                try migrator.migrate(pool)
            }
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
    }

    /// The schema versions applied to the file, oldest first.
    package func appliedSchemaVersions() throws -> [String] {
        try read { db in try HistorySchema.migrator.appliedMigrations(db) }
    }

    /// Creates the folder, then refuses early (before SQLite writes anything) what SQLite would fail on later or
    /// report less clearly: a read-only file or folder, a folder in place of the file, a file that is not SQLite.
    private static func prepareFile(at path: String) throws {
        let manager = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw HistoryError(.cannotCreateDirectory, path: path, detail: "\(directory): \(error)")
            }
        } else if !isDirectory.boolValue {
            throw HistoryError(.cannotCreateDirectory, path: path, detail: "\(directory) is a file, not a folder")
        }
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw HistoryError(.cannotOpen, path: path, detail: "it is a folder")
            }
            guard isWritable(path) else {
                throw HistoryError(.readOnly, path: path, detail: "the file is not writable")
            }
            try checkHeader(of: path)
        }
        // WAL mode keeps two files beside the database (-wal, -shm): the folder must be writable too.
        guard isWritable(directory) else {
            throw HistoryError(.readOnly, path: path, detail: "its folder \(directory) is not writable")
        }
    }

    /// Whether `path` may be written. Root passes every permission check, so for root a file or folder whose
    /// mode has no write bit at all counts as deliberately read-only (an archived history, a mounted fixture).
    private static func isWritable(_ path: String) -> Bool {
        guard access(path, W_OK) == 0 else { return false }
        guard geteuid() == 0 else { return true }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & 0o222 != 0
    }

    /// Throws `notADatabase` when a non-empty file does not start with SQLite's magic header.
    private static func checkHeader(of path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HistoryError(.cannotOpen, path: path, detail: "the file cannot be read")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header.isEmpty || header == Data("SQLite format 3\u{0}".utf8) else {
            throw HistoryError(.notADatabase, path: path, detail: "no SQLite header")
        }
    }
}

extension SQLiteHistoryStore {
    /// Runs `body` in a read transaction, translating errors.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
    }

    /// Stores `run` with the file capped at `maximumPageCount` pages for this save, which makes SQLite fail as on a
    /// full disk; `beforeCommit` runs inside the transaction after every row is written.
    package func save(
        _ run: RunRecord, evaluation: Evaluation?, maximumPageCount: Int, beforeCommit: (() throws -> Void)? = nil
    ) throws {
        do {
            try pool.write { db in
                let previous = try Int.fetchOne(db, sql: "PRAGMA max_page_count") ?? 1_073_741_823
                try db.execute(sql: "PRAGMA max_page_count = \(maximumPageCount)")
                defer { try? db.execute(sql: "PRAGMA max_page_count = \(previous)") }
                let connection = SQLiteConnection(db: db)
                try HistoryRunWriter.insert(run, connection)
                if let evaluation { try HistoryRunWriter.insert(evaluation, runID: run.id, connection) }
                try beforeCommit?()
            }
        } catch {
            throw HistoryError.wrapping(error, path: path, runID: run.id)
        }
    }

    /// Runs raw SQL in a write transaction: for tests that need a state the API refuses to make (a file from a
    /// newer binary, a size limit).
    package func executeRaw(_ sql: String) throws {
        do {
            try pool.write { db in try db.execute(sql: sql) }
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
    }

    /// Runs `body` and returns the SQL statements the store ran meanwhile (for the query-plan tests).
    package func statements(during body: () throws -> Void) rethrows -> [String] {
        guard let database = tables.database as? SQLiteHistoryDatabase else { return [] }
        database.recorder.start()
        defer { _ = database.recorder.stop() }
        try body()
        return database.recorder.stop()
    }

    /// SQLite's plan for `sql` (its parameters unbound), one line per step: `SEARCH r USING INDEX ...`.
    package func queryPlan(_ sql: String) throws -> [String] {
        try read { db in
            let unbound = StatementArguments(
                Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: unbound).map { row in
                row["detail"] as String? ?? ""
            }
        }
    }

    /// Runs raw SQL on the file at `path` without opening a store (so without migrating or refusing anything).
    package static func executeRaw(_ sql: String, at path: String) throws {
        do {
            try DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
    }

    /// The file's size in database pages.
    package func pageCount() throws -> Int? {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") }
    }
}
