import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// The tables that hold a run's rows, each with the SQL that counts the rows of run `?`.
    private static let runRowQueries: [(table: String, sql: String)] = [
        ("runs", "SELECT count(*) FROM runs WHERE id = ?"),
        ("environments", "SELECT count(*) FROM environments WHERE run_id = ?"),
        ("builds", "SELECT count(*) FROM builds WHERE run_id = ?"),
        (
            "build_steps",
            "SELECT count(*) FROM build_steps WHERE build_id IN (SELECT id FROM builds WHERE run_id = ?)"
        ),
        ("images", "SELECT count(*) FROM images WHERE run_id = ?"),
        (
            "image_layers",
            "SELECT count(*) FROM image_layers WHERE image_id IN (SELECT id FROM images WHERE run_id = ?)"
        ),
        ("trials", "SELECT count(*) FROM trials WHERE run_id = ?"),
        (
            "memory_samples",
            "SELECT count(*) FROM memory_samples WHERE trial_id IN (SELECT id FROM trials WHERE run_id = ?)"
        ),
        ("metric_values", "SELECT count(*) FROM metric_values WHERE run_id = ?"),
        ("run_messages", "SELECT count(*) FROM run_messages WHERE run_id = ?"),
        ("evaluations", "SELECT count(*) FROM evaluations WHERE run_id = ?"),
        ("verdicts", "SELECT count(*) FROM verdicts WHERE run_id = ?"),
    ]

    /// How many rows of run `runID` each table holds: what `doctor`-style checks and the atomicity tests read.
    package func rowCounts(runID: String) throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for query in Self.runRowQueries {
                counts[query.table] = try Int.fetchOne(db, sql: query.sql, arguments: [runID]) ?? 0
            }
            return counts
        }
    }

    /// Runs raw SQL in a write transaction: for tests that need a state the API refuses to make (a file from a
    /// newer binary, a size limit).
    package func executeRaw(_ sql: String) throws {
        try write { db in try db.execute(sql: sql) }
    }

    /// The file's size in database pages.
    package func pageCount() throws -> Int? {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") }
    }
}
