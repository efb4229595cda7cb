import Foundation
import GRDB

/// A GRDB database connection inside a transaction, as the history's shared queries use it.
struct SQLiteConnection: HistoryConnection {
    let db: Database

    var dialect: HistoryDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [HistoryValue]) throws {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments.map(Self.databaseValue)))
    }

    func rows(_ sql: String, _ arguments: [HistoryValue]) throws -> [HistoryRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments.map(Self.databaseValue)))
        var rows: [HistoryRow] = []
        while let row = try cursor.next() {
            rows.append(HistoryRow(columns: columns, values: row.databaseValues.map(Self.historyValue)))
        }
        return rows
    }

    static func databaseValue(_ value: HistoryValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .integer(let integer): return integer.databaseValue
        case .real(let real): return real.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes): return Data(bytes).databaseValue
        }
    }

    static func historyValue(_ value: DatabaseValue) -> HistoryValue {
        switch value.storage {
        case .null: return .null
        case .int64(let integer): return .integer(integer)
        case .double(let real): return .real(real)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob([UInt8](data))
        }
    }
}

/// The history file as a `HistoryDatabase`: GRDB's pool (WAL: readers never wait for a writer).
struct SQLiteHistoryDatabase: HistoryDatabase {
    let pool: DatabasePool
    let location: String

    func read<T>(_ body: (any HistoryConnection) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteConnection(db: db)) }
        } catch {
            throw HistoryError.wrapping(error, path: location)
        }
    }

    func write<T>(runID: String?, _ body: (any HistoryConnection) throws -> T) throws -> T {
        do {
            return try pool.write { db in try body(SQLiteConnection(db: db)) }
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
