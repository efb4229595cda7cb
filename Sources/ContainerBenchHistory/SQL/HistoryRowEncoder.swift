import Foundation

/// Encodes a `HistoryTableRow` into its columns and values, in declaration order. Only flat rows of strings,
/// integers, doubles, booleans, byte arrays and their optionals are accepted: a nested value is a mapping bug.
enum HistoryRowEncoder {
    /// The columns and values of `row`; a nil optional is a NULL column, never a missing one.
    /// - Throws: `EncodingError` for a value that is not a column type.
    static func encode<Row: Encodable>(_ row: Row) throws -> [(column: String, value: HistoryValue)] {
        let storage = Storage()
        try row.encode(to: RowEncoder(storage: storage))
        return storage.columns
    }

    private final class Storage {
        var columns: [(column: String, value: HistoryValue)] = []
    }

    private struct RowEncoder: Encoder {
        let storage: Storage
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Columns<Key>(storage: storage))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            Refused(codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Refused(codingPath: codingPath)
        }
    }

    private struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: Storage
        var codingPath: [any CodingKey] = []

        private func add(_ value: HistoryValue, _ key: Key) {
            storage.columns.append((HistoryColumnName.of(key.stringValue), value))
        }

        mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encode(_ value: String, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { add(value.historyValue, key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let convertible = value as? any HistoryValueConvertible {
                add(convertible.historyValue, key)
            } else if let bytes = value as? [UInt8] {
                add(.blob(bytes), key)
            } else {
                throw EncodingError.invalidValue(
                    value,
                    .init(codingPath: codingPath + [key], debugDescription: "\(T.self) is not a history column type"))
            }
        }

        // Optionals: a nil is a NULL column, so that every row of a table binds the same columns.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { add(value.historyValue, key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { add(.null, key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            KeyedEncodingContainer(Columns<NestedKey>(storage: storage, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Refused(codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder { RowEncoder(storage: storage, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            RowEncoder(storage: storage, codingPath: codingPath + [key])
        }
    }

    /// The container of anything that is not a flat row: every call fails.
    private struct Refused: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        var codingPath: [any CodingKey]
        var count: Int { 0 }

        private func refuse(_ value: Any) -> EncodingError {
            EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "a history row holds flat columns only"))
        }

        mutating func encodeNil() throws { throw refuse(()) }
        mutating func encode<T: Encodable>(_ value: T) throws { throw refuse(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            KeyedEncodingContainer(Columns<NestedKey>(storage: Storage(), codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Encoder { RowEncoder(storage: Storage(), codingPath: codingPath) }
    }
}
