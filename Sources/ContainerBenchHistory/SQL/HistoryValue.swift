import Foundation

/// One column value as both stores bind and read it. Booleans are integers (0 or 1) in both schemas, so that the
/// same SQL (`is_floor = 0`) runs on SQLite and PostgreSQL.
enum HistoryValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// Whether this is SQL NULL.
    var isNull: Bool { self == .null }
}

extension HistoryValue: CustomStringConvertible {
    /// The value as a person reads it in an error message (blobs by their size).
    var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .text(let value): return "'\(value)'"
        case .blob(let bytes): return "<\(bytes.count) bytes>"
        }
    }
}

/// Values that bind as one column.
protocol HistoryValueConvertible {
    /// The column value.
    var historyValue: HistoryValue { get }
}

extension String: HistoryValueConvertible {
    var historyValue: HistoryValue { .text(self) }
}

extension Int: HistoryValueConvertible {
    var historyValue: HistoryValue { .integer(Int64(self)) }
}

extension Int64: HistoryValueConvertible {
    var historyValue: HistoryValue { .integer(self) }
}

extension Double: HistoryValueConvertible {
    var historyValue: HistoryValue { .real(self) }
}

extension Bool: HistoryValueConvertible {
    var historyValue: HistoryValue { .integer(self ? 1 : 0) }
}

extension Optional: HistoryValueConvertible where Wrapped: HistoryValueConvertible {
    var historyValue: HistoryValue { self?.historyValue ?? .null }
}
