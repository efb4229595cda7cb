import Foundation
import Synchronization

/// A row of one history table as a Codable value: its stored properties are the table's columns, named once.
///
/// A property's column is its name in snake case (`memoryPeakBytes` → `memory_peak_bytes`, `runID` → `run_id`,
/// `firstTcpS` → `first_tcp_s`); `HistoryRowEncoder` and `HistoryRowDecoder` map rows of both stores through it,
/// so that an insert, a select and a decode can never disagree on a column.
protocol HistoryTableRow: Codable, Sendable {
    /// The table's name.
    static var table: String { get }
}

/// The naming rule between Swift properties and SQL columns.
enum HistoryColumnName {
    /// Names already converted: a save converts the same few dozen properties thousands of times.
    private static let cache = Mutex<[String: String]>([:])

    /// `runID` → `run_id`, `loadLatencyP50S` → `load_latency_p50_s`, `t` → `t`.
    static func of(_ property: String) -> String {
        if let known = cache.withLock({ $0[property] }) { return known }
        let column = convert(property)
        cache.withLock { $0[property] = column }
        return column
    }

    private static func convert(_ property: String) -> String {
        let characters = Array(property)
        var column = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A new word starts after a lower-case letter or a digit, or at the last capital of an acronym
                // that a lower-case word follows (`HTTPServer` → `http_server`).
                if previous.isLowercase || previous.isNumber
                    || (previous.isUppercase && next.map { $0.isLowercase } == true)
                {
                    column.append("_")
                }
            }
            column.append(contentsOf: character.lowercased())
        }
        return column
    }
}
