import Foundation
import GRDB

/// The history file as a `HistoryDatabase`: GRDB's pool (WAL: readers never wait for a writer).
struct SQLiteHistoryDatabase: HistoryDatabase {
    let pool: DatabasePool
    let location: String
    let recorder = StatementRecorder()
    var dialect: HistoryDialect { .sqlite }

    func read<T>(_ body: (any HistoryConnection) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteConnection(db: db, recorder: recorder)) }
        } catch {
            throw HistoryError.wrapping(error, path: location)
        }
    }

    func write<T>(runID: String?, _ body: (any HistoryConnection) throws -> T) throws -> T {
        do {
            return try pool.write { db in try body(SQLiteConnection(db: db, recorder: recorder)) }
        } catch {
            throw HistoryError.wrapping(error, path: location, runID: runID)
        }
    }

    func sizeInBytes() throws -> Int64? {
        try read { connection in
            let pages = try connection.scalar(Int64.self, "PRAGMA page_count", [])
            let size = try connection.scalar(Int64.self, "PRAGMA page_size", [])
            return pages.flatMap { pages in size.map { pages * $0 } }
        }
    }

    func vacuum() throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                // WAL mode: fold the log back into the file so that its size on disk is what VACUUM left.
                try db.checkpoint(.truncate)
            }
        } catch {
            throw HistoryError.wrapping(error, path: location)
        }
    }
}
