import ContainerBenchSupport
import Foundation

/// Turns values into gnuplot script text that cannot break out of its string or data block.
///
/// Terminals run in `noenhanced` mode, so `_`, `^` and `{}` in titles are printed as they are; strings are
/// single-quoted, where gnuplot knows no backslash escapes and `''` stands for one quote.
enum GnuplotText {
    /// `text` as a single-quoted gnuplot string literal, control characters replaced by spaces.
    static func quoted(_ text: String) -> String {
        "'" + text.singleLine.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `text` as a double-quoted data-block column: double quotes become single quotes so the column stays one.
    static func dataLabel(_ text: String) -> String {
        "\"" + text.singleLine.replacingOccurrences(of: "\"", with: "'") + "\""
    }

    /// A number as gnuplot reads it: `NaN` for missing or non-finite values (gnuplot skips those points).
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "NaN" }
        return String(format: "%.9g", value)
    }
}
