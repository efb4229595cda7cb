import Foundation

/// One row a query returned: column names and values, read the same way whichever store produced it.
struct HistoryRow: Sendable {
    /// Column names, in select order.
    let columns: [String]
    /// Values, aligned with `columns`.
    let values: [HistoryValue]

    /// The value of column `name`, or nil when the query did not select it.
    subscript(_ name: String) -> HistoryValue? {
        columns.firstIndex(of: name).map { values[$0] }
    }

    /// The value of column `name` as `T`.
    /// - Throws: `HistoryError` (`corrupt`) when the column is missing or holds another type.
    func decode<T: HistoryValueDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let value = self[name] else {
            throw HistoryError(.corrupt, path: "", detail: "a query returned no column \(name)")
        }
        return try T(historyValue: value, column: name)
    }
}

/// Values a column can be read as.
protocol HistoryValueDecodable {
    /// Reads `value` of column `column`.
    /// - Throws: `HistoryError` (`corrupt`) when the value has another type.
    init(historyValue value: HistoryValue, column: String) throws
}

extension HistoryValueDecodable {
    static func mismatch(_ value: HistoryValue, _ column: String) -> HistoryError {
        HistoryError(.corrupt, path: "", detail: "column \(column) holds \(value), not a \(Self.self)")
    }
}

extension String: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        guard case .text(let text) = value else { throw Self.mismatch(value, column) }
        self = text
    }
}

extension Int64: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        switch value {
        case .integer(let integer): self = integer
        case .real(let real) where real.rounded() == real && abs(real) < 9e15: self = Int64(real)
        default: throw Self.mismatch(value, column)
        }
    }
}

extension Int: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        guard let integer = Int(exactly: try Int64(historyValue: value, column: column)) else {
            throw Self.mismatch(value, column)
        }
        self = integer
    }
}

extension Double: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        switch value {
        case .real(let real): self = real
        case .integer(let integer): self = Double(integer)
        default: throw Self.mismatch(value, column)
        }
    }
}

extension Bool: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        self = try Int64(historyValue: value, column: column) != 0
    }
}

extension Array: HistoryValueDecodable where Element == UInt8 {
    init(historyValue value: HistoryValue, column: String) throws {
        guard case .blob(let bytes) = value else { throw Self.mismatch(value, column) }
        self = bytes
    }
}

extension Optional: HistoryValueDecodable where Wrapped: HistoryValueDecodable {
    init(historyValue value: HistoryValue, column: String) throws {
        self = value.isNull ? nil : try Wrapped(historyValue: value, column: column)
    }
}
