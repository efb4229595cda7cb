import Foundation

/// The SQL dialect of a store. The history's queries are written once, in the SQL both understand, with `?`
/// placeholders; only the schema's DDL differs per dialect.
enum HistoryDialect: Sendable {
    case sqlite
    case postgresql
}

/// One connection inside one transaction of a history database.
protocol HistoryConnection {
    /// Which database this is.
    var dialect: HistoryDialect { get }

    /// Runs `sql` (one statement, `?` placeholders) with `arguments`.
    func execute(_ sql: String, _ arguments: [HistoryValue]) throws

    /// Runs `sql` and returns every row.
    func rows(_ sql: String, _ arguments: [HistoryValue]) throws -> [HistoryRow]
}

extension HistoryConnection {
    /// Runs `sql` with `arguments`.
    func execute(_ sql: String, _ arguments: any HistoryValueConvertible...) throws {
        try execute(sql, arguments.map(\.historyValue))
    }

    /// Every row `sql` returns.
    func rows(_ sql: String, _ arguments: any HistoryValueConvertible...) throws -> [HistoryRow] {
        try rows(sql, arguments.map(\.historyValue))
    }

    /// The rows of `sql` decoded as `Row`.
    func fetch<Row: HistoryTableRow>(_ type: Row.Type, _ sql: String, _ arguments: [HistoryValue]) throws -> [Row] {
        try rows(sql, arguments).map { try HistoryRowDecoder.decode(Row.self, from: $0) }
    }

    /// The first column of the first row of `sql`, or nil when there is no row or it is NULL.
    func scalar<T: HistoryValueDecodable>(_ type: T.Type, _ sql: String, _ arguments: [HistoryValue]) throws -> T? {
        guard let row = try rows(sql, arguments).first, let column = row.columns.first, let value = row[column],
            !value.isNull
        else { return nil }
        return try T(historyValue: value, column: column)
    }

    /// Inserts `rows` into their table with as few statements as the databases' parameter limits allow (a run of
    /// the default suite is about a thousand rows: one round trip each would dominate a save to a remote server).
    /// A NULL `id` column is left out, for the database to assign.
    func insert<Row: HistoryTableRow>(_ rows: [Row]) throws {
        _ = try insert(rows, returning: [])
    }

    /// Inserts `rows` and returns the `returning` columns of each inserted row (in no particular order: return a
    /// natural key with the id to match them up).
    func insert<Row: HistoryTableRow>(_ rows: [Row], returning: [String]) throws -> [HistoryRow] {
        guard let first = rows.first else { return [] }
        let columns = try HistoryRowEncoder.encode(first).filter { !($0.column == "id" && $0.value.isNull) }
            .map(\.column)
        let perStatement = max(1, min(500, 30_000 / max(1, columns.count)))
        let head =
            "INSERT INTO \(Row.table) (\(columns.map(quoted).joined(separator: ", "))) VALUES "
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let tail = returning.isEmpty ? "" : " RETURNING " + returning.map(quoted).joined(separator: ", ")
        var returned: [HistoryRow] = []
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var arguments: [HistoryValue] = []
            arguments.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                let encoded = try HistoryRowEncoder.encode(row).filter { !($0.column == "id" && $0.value.isNull) }
                guard encoded.map(\.column) == columns else {
                    throw HistoryError(.invalidRecord, path: "", detail: "rows of \(Row.table) differ in columns")
                }
                arguments += encoded.map(\.value)
            }
            let sql = head + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + tail
            if returning.isEmpty {
                try execute(sql, arguments)
            } else {
                returned += try self.rows(sql, arguments)
            }
            start += perStatement
        }
        return returned
    }

    /// `name` as a quoted identifier (`user` is reserved in PostgreSQL).
    func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// `?, ?, ?` for `count` values.
    func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
