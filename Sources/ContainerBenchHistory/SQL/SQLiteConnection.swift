import Foundation
import GRDB

/// A GRDB database connection inside a transaction, as the history's shared queries use it.
struct SQLiteConnection: HistoryConnection {
    let db: Database
    var recorder: StatementRecorder?

    var dialect: HistoryDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [HistoryValue]) throws {
        recorder?.record(sql)
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments.map(Self.databaseValue)))
    }

    func rows(_ sql: String, _ arguments: [HistoryValue]) throws -> [HistoryRow] {
        recorder?.record(sql)
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
