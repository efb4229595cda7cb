import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A postgres-nio connection inside a transaction, as the history's shared queries use it. Queries run on the
/// connection's NIO event loop; the calling thread waits for their future (never a cooperative-pool task).
struct PostgreSQLConnection: HistoryConnection {
    let connection: PostgresConnection
    let pending: PendingQueries
    let logger: Logger
    /// Seconds a statement may take (`PostgreSQLURL.queryTimeout`).
    let timeout: Int

    var dialect: HistoryDialect { .postgresql }

    func execute(_ sql: String, _ arguments: [HistoryValue]) throws {
        _ = try run(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [HistoryValue]) throws -> [HistoryRow] {
        try run(sql, arguments).map(Self.historyRow)
    }

    private func run(_ sql: String, _ arguments: [HistoryValue]) throws -> [PostgresRow] {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings)
        // A query written after the channel closed would never be answered: the pending list fails it instead.
        let promise = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        let ticket = try pending.add(promise)
        defer { pending.remove(ticket) }
        connection.query(query, logger: logger).cascade(to: promise)
        return try Self.waiting(for: promise.futureResult, on: connection, seconds: timeout, what: "a statement").rows
    }

    /// `future`'s value, or a `connectionLost` error once `seconds` passed without one: the connection is then
    /// closed, so nothing of a stalled server is waited for again (a transaction open on it is rolled back).
    static func waiting<Value: Sendable>(
        for future: EventLoopFuture<Value>, on connection: PostgresConnection, seconds: Int, what: String
    ) throws -> Value {
        try waiting(for: future, seconds: seconds) {
            connection.close().whenComplete { _ in }
            return HistoryError(
                .connectionLost, path: "",
                detail: "the server did not answer \(what) within \(seconds) s (query_timeout): the connection was "
                    + "closed")
        }
    }

    /// `future`'s value, or `expired()`'s error once `seconds` passed without one.
    static func waiting<Value: Sendable>(
        for future: EventLoopFuture<Value>, seconds: Int, expired: @escaping @Sendable () -> any Error
    ) throws -> Value {
        let result = future.eventLoop.makePromise(of: Value.self)
        let once = Once()
        let deadline = future.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            if once.first() { result.fail(expired()) }
        }
        future.whenComplete { outcome in
            deadline.cancel()
            if once.first() { result.completeWith(outcome) }
        }
        return try result.futureResult.wait()
    }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`, ... (outside quoted literals and identifiers).
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.count + 16)
        var index = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func historyRow(_ row: PostgresRow) throws -> HistoryRow {
        var columns: [String] = []
        var values: [HistoryValue] = []
        for cell in row {
            columns.append(cell.columnName)
            values.append(try value(of: cell))
        }
        return HistoryRow(columns: columns, values: values)
    }

    private static func value(of cell: PostgresCell) throws -> HistoryValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int8: return .integer(try cell.decode(Int64.self))
        case .float4: return .real(Double(try cell.decode(Float.self)))
        case .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Array(buffer.readableBytesView))
        case .numeric:
            let text = try cell.decode(String.self)
            return Double(text).map(HistoryValue.real) ?? .text(text)
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// True for the first caller only.
final class Once: Sendable {
    private let done = Mutex(false)

    func first() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
