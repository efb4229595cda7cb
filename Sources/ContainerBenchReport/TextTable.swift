import Foundation

/// A plain-text table with aligned columns, for terminals.
public struct TextTable: Sendable, Equatable {
    /// How a column's cells line up.
    public enum Alignment: Sendable, Equatable {
        /// Text columns.
        case left
        /// Number columns.
        case right
    }

    /// The column headers.
    public var headers: [String]
    /// Each column's alignment.
    public var alignments: [Alignment]
    /// The rows; each has one cell per header (missing cells are blank, extra cells dropped).
    public var rows: [[String]]

    /// A table with `headers`; columns are left-aligned unless `alignments` says otherwise.
    public init(headers: [String], alignments: [Alignment] = [], rows: [[String]] = []) {
        self.headers = headers
        self.alignments = headers.indices.map { $0 < alignments.count ? alignments[$0] : .left }
        self.rows = rows
    }

    /// The table as lines: header, a rule, then the rows; columns two spaces apart, no trailing spaces.
    public func render() -> String {
        let cells = ([headers] + rows).map { row in
            headers.indices.map { $0 < row.count ? row[$0].replacingOccurrences(of: "\n", with: " ") : "" }
        }
        let widths = headers.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            let padded = row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return alignments[column] == .left ? text + pad : pad + text
            }
            // Trailing blanks trimmed without a regular expression: one per line made an 800-line table take
            // a third of a second.
            var text = padded.joined(separator: "  ")
            while let last = text.last, last.isWhitespace { text.removeLast() }
            return text
        }
        var lines = [line(cells[0])]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: cells.dropFirst().map(line))
        return lines.joined(separator: "\n") + "\n"
    }
}
