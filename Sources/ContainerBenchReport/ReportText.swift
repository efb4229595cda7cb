import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// Formatting and escaping shared by the report formats, so a number reads the same everywhere.
enum ReportText {
    /// `value` in `metric`'s unit ("1.23 s", "412.5 MB"), or "n/a".
    static func value(_ value: Double?, _ metric: Metric) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return metric.unit.format(value)
    }

    /// Bytes in the unit that shows them ("512 B", "12.3 kB", "41.0 MB", decimal like the metrics), with a sign
    /// when `signed` ("+1.2 MB", "-300 B", "0 B").
    static func bytes(_ value: Int64, signed: Bool = false) -> String {
        let sign = signed && value > 0 ? "+" : value < 0 ? "-" : ""
        let magnitude = Double(value.magnitude)
        if magnitude < 1_000 { return sign + "\(value.magnitude) B" }
        if magnitude < 1_000_000 { return sign + String(format: "%.1f kB", magnitude / 1_000) }
        return sign + String(format: "%.1f MB", magnitude / 1_000_000)
    }

    /// An interval in `metric`'s unit ("[1.10 s, 1.30 s]"), or "n/a". It carries no level: say it beside it.
    static func interval(_ low: Double?, _ high: Double?, _ metric: Metric) -> String {
        guard let low, let high else { return "n/a" }
        return "[\(value(low, metric)), \(value(high, metric))]"
    }

    /// A ratio with two decimals and a times sign ("0.42×"), or "n/a".
    static func ratio(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.2f×", value)
    }

    /// A ratio interval ("[0.40×, 0.45×]"), or "n/a".
    static func ratioInterval(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return "n/a" }
        return "[\(ratio(low)), \(ratio(high))]"
    }

    /// A margin as a signed percentage of the limit ("+12.5%" headroom, "-3.0%" overshoot), or "n/a".
    static func margin(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%+.1f%%", value * 100)
    }

    /// A confidence or probability as a percentage that never claims more than it is: truncated, not rounded,
    /// to one decimal ("95.0%", "96.8%" for 96.875%), with more decimals close to 100% ("99.997%", never
    /// "100.0%"), "<0.1%" when tiny; "100%" only for certainty; "n/a" for nil.
    static func confidence(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        if value >= 1 { return "100%" }
        if value <= 0 { return "0%" }
        if value < 0.001 { return "<0.1%" }
        let percent = value * 100
        for decimals in 1...6 {
            let scale = pow(10, Double(decimals))
            // The margin keeps 0.95 (94.99999… in binary) at 95.0%.
            let truncated = (percent * scale + 1e-6).rounded(.down) / scale
            if (percent * scale).rounded() / scale < 100 || decimals == 6 {
                return String(format: "%.\(decimals)f%%", min(truncated, 100 - 1 / scale))
            }
        }
        return ">99.9999%"
    }

    /// A relative change as a signed percentage ("+8.6%", "+11%", "-21%"): one decimal below 10%.
    static func change(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "n/a" }
        let percent = fraction * 100
        return String(format: abs(percent) < 9.95 ? "%+.1f%%" : "%+.0f%%", percent)
    }

    /// A p-value with three significant digits, "<0.001" below that, or "n/a".
    static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        if value < 0.001 { return "<0.001" }
        return String(format: "%.3f", value)
    }

    /// A date as ISO 8601 in UTC, to the second.
    static func date(_ date: Date?) -> String {
        guard let date else { return "n/a" }
        // A format style is a value (Sendable) and cheap; making an ISO8601DateFormatter per cell was not.
        return date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// How a budget is phrased: "median startup_seconds".
    static func statistic(_ statistic: BudgetStatistic, _ metric: Metric) -> String {
        statistic == .value ? metric.rawValue : "\(statistic.rawValue) \(metric.rawValue)"
    }

    /// The seconds between two dates, formatted, or "n/a".
    static func duration(from start: Date, to end: Date?) -> String {
        guard let end else { return "n/a" }
        return MetricUnit.seconds.format(end.timeIntervalSince(start))
    }

    /// `text` safe inside XML and HTML text and attribute values; characters XML 1.0 forbids are dropped.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let allowed =
                    (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
                    || (0x10000...0x10FFFF).contains(value)
                if allowed { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// `text` as one Markdown table cell or list item: pipes escaped, angle brackets as entities (so GitHub does
    /// not take `<slim>` for a tag and hide it), line breaks as spaces.
    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A Markdown code fence longer than any run of backticks in `text`, so the text cannot close it.
    static func fence(for text: String) -> String {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// The last `count` lines of `text`.
    static func tail(_ text: String, lines count: Int = 30) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(count).joined(separator: "\n")
    }
}

extension Outcome {
    /// A short mark for Markdown tables.
    var icon: String {
        switch self {
        case .pass: return "✅"
        case .fail: return "❌"
        case .inconclusive: return "⚠️"
        case .missing: return "❔"
        }
    }
}

extension ExitStatus {
    /// A short mark for headlines.
    var icon: String {
        switch self {
        case .pass: return "✅"
        case .inconclusive: return "⚠️"
        case .interrupted, .usageError: return "⏹️"
        case .budgetBreached, .regression, .infrastructureError: return "❌"
        }
    }

    /// PASS or FAIL, for the headline.
    var headline: String { self == .pass ? "PASS" : "FAIL" }
}
