import Foundation

/// Decodes a `HistoryTableRow` from a row either store returned, by the same column names the encoder writes.
/// Columns the row type does not declare are ignored (a newer schema may add some).
enum HistoryRowDecoder {
    /// `Row` read from `row`.
    /// - Throws: `HistoryError` (`corrupt`) naming the column that is missing or of another type.
    static func decode<Row: Decodable>(_ type: Row.Type = Row.self, from row: HistoryRow) throws -> Row {
        do {
            return try Row(from: RowDecoder(row: row))
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(.corrupt, path: "", detail: "cannot read a \(Row.self): \(error)")
        }
    }

    private struct RowDecoder: Decoder {
        let row: HistoryRow
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Columns<Key>(row: row, codingPath: codingPath))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(
                [Any].self, .init(codingPath: codingPath, debugDescription: "a history row holds flat columns only"))
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            throw DecodingError.typeMismatch(
                Any.self, .init(codingPath: codingPath, debugDescription: "a history row holds flat columns only"))
        }
    }

    private struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: HistoryRow
        var codingPath: [any CodingKey]

        var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

        private func column(_ key: Key) -> String { HistoryColumnName.of(key.stringValue) }

        func contains(_ key: Key) -> Bool { row[column(key)] != nil }

        func decodeNil(forKey key: Key) throws -> Bool { row[column(key)]?.isNull ?? true }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let readable = T.self as? any HistoryValueDecodable.Type else {
                throw DecodingError.typeMismatch(
                    T.self, .init(codingPath: codingPath + [key], debugDescription: "not a history column type"))
            }
            let name = column(key)
            guard let value = row[name] else {
                throw HistoryError(.corrupt, path: "", detail: "a query returned no column \(name)")
            }
            guard let decoded = try readable.init(historyValue: value, column: name) as? T else {
                throw DecodingError.typeMismatch(
                    T.self, .init(codingPath: codingPath + [key], debugDescription: "column \(name)"))
            }
            return decoded
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            KeyedDecodingContainer(Columns<NestedKey>(row: row, codingPath: codingPath + [key]))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(
                [Any].self,
                .init(codingPath: codingPath + [key], debugDescription: "a history row holds flat columns only"))
        }

        func superDecoder() throws -> any Decoder { RowDecoder(row: row, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder {
            RowDecoder(row: row, codingPath: codingPath + [key])
        }
    }
}
