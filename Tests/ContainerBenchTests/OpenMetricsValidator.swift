import Foundation

/// A validating parser of the OpenMetrics 1.0 text format, written from the spec rather than from the exporter, so
/// that tests hold `OpenMetricsReport` to the spec: https://prometheus.io/docs/specs/om/open_metrics_spec/
/// (sections "ABNF", "Overall Structure", "Escaping", "MetricFamily metadata", "Metric types").
///
/// It checks the line grammar (metadata lines `# TYPE|UNIT|HELP name ...`, samples `name{labels} value [timestamp]`,
/// `# EOF` last), escapes in label values and HELP (`\\`, `\"`, `\n` only; a lone backslash before anything else is
/// refused, as the spec says it SHOULD NOT be used), metadata before samples and at most once each, in the order
/// TYPE, UNIT, HELP, each family's samples contiguous and its name used once, the unit suffix rule, the sample name
/// suffixes each type allows, unique label names and label sets, reserved `_` names, and line feeds without carriage
/// returns.
struct OpenMetricsValidator {
    /// One parsed sample.
    struct Sample {
        var name: String
        /// Label names in the order they appeared.
        var labelNames: [String]
        /// Label values, unescaped.
        var labels: [String: String]
        var value: Double
        var timestamp: Double?
    }

    /// One parsed family.
    struct Family {
        var name: String
        var type = "unknown"
        var unit: String?
        var help: String?
        var samples: [Sample] = []
        /// Which metadata lines came, in order (`TYPE`, `UNIT`, `HELP`).
        var metadata: [String] = []
    }

    /// Where and why the text breaks the spec.
    struct Violation: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static let types: Set<String> = [
        "counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown",
    ]

    /// The sample-name suffixes each type's samples may carry ("Suffixes" in the spec).
    static func suffixes(of type: String) -> [String] {
        switch type {
        case "counter": return ["_total", "_created"]
        case "summary": return ["", "_count", "_sum", "_created"]
        case "histogram": return ["_bucket", "_count", "_sum", "_created"]
        case "gaugehistogram": return ["_bucket", "_gcount", "_gsum"]
        case "info": return ["_info"]
        default: return [""]
        }
    }

    /// The families of `text`.
    /// - Throws: `Violation` at the first line that breaks the spec.
    static func parse(_ text: String) throws -> [Family] {
        if text.contains("\r") { throw Violation(line: 0, message: "carriage return (lines MUST end in LF alone)") }
        if text.hasPrefix("\u{FEFF}") { throw Violation(line: 1, message: "byte order mark") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.last == "# EOF" else {
            throw Violation(line: lines.count, message: "the exposition does not end with '# EOF' (and at most one LF)")
        }
        var families: [Family] = []
        var seen: Set<String> = []
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            if line == "# EOF" {
                if number != lines.count { throw Violation(line: number, message: "'# EOF' before the end") }
                break
            }
            if line.isEmpty { throw Violation(line: number, message: "empty line (the ABNF has none)") }
            if line.hasPrefix("#") {
                try metadata(line, number: number, families: &families, seen: &seen)
            } else {
                try sample(line, number: number, families: &families, seen: &seen)
            }
        }
        try checkClashes(families)
        return families
    }

    private static func metadata(_ line: String, number: Int, families: inout [Family], seen: inout Set<String>)
        throws
    {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "#", ["TYPE", "UNIT", "HELP"].contains(parts[1]) else {
            throw Violation(line: number, message: "a '#' line that is neither TYPE, UNIT, HELP nor EOF: \(line)")
        }
        let kind = parts[1]
        let name = parts[2]
        guard isMetricName(name) else { throw Violation(line: number, message: "bad metric name '\(name)'") }
        let rest = parts.count == 4 ? parts[3] : nil
        if families.last?.name != name || families.last?.samples.isEmpty == false {
            guard !seen.contains(name) else {
                throw Violation(line: number, message: "family \(name) appears again (families MUST NOT interleave)")
            }
            if name.hasPrefix("_") { throw Violation(line: number, message: "names starting with _ are reserved") }
            families.append(Family(name: name))
            seen.insert(name)
        }
        var family = families.removeLast()
        if family.metadata.contains(kind) {
            throw Violation(line: number, message: "a second \(kind) line for \(name)")
        }
        let order = ["TYPE", "UNIT", "HELP"]
        if let last = family.metadata.last, let lastIndex = order.firstIndex(of: last),
            let index = order.firstIndex(of: kind), index < lastIndex
        {
            throw Violation(
                line: number, message: "\(kind) after \(last) for \(name) (the order SHOULD be TYPE, UNIT, HELP)")
        }
        family.metadata.append(kind)
        switch kind {
        case "TYPE":
            guard let rest, types.contains(rest) else {
                throw Violation(line: number, message: "unknown type '\(rest ?? "")' for \(name)")
            }
            family.type = rest
        case "UNIT":
            let unit = rest ?? ""
            guard unit.unicodeScalars.allSatisfy(isMetricNameChar) else {
                throw Violation(line: number, message: "bad unit '\(unit)'")
            }
            if !unit.isEmpty {
                guard name.hasSuffix("_" + unit) else {
                    throw Violation(line: number, message: "unit \(unit) is not the suffix of \(name)")
                }
                guard family.type != "stateset" && family.type != "info" else {
                    throw Violation(line: number, message: "\(family.type) families MUST have an empty unit")
                }
                family.unit = unit
            }
        default:
            guard let rest else { throw Violation(line: number, message: "HELP without a space after the name") }
            family.help = try unescape(rest, line: number)
        }
        families.append(family)
    }

    private static func sample(_ line: String, number: Int, families: inout [Family], seen: inout Set<String>) throws {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count, isMetricNameChar(scalars[index]) { index += 1 }
        let name = String(String.UnicodeScalarView(scalars[0..<index]))
        guard isMetricName(name) else { throw Violation(line: number, message: "bad sample name in '\(line)'") }
        var labelNames: [String] = []
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                let start = index
                while index < scalars.count, isLabelNameChar(scalars[index]) { index += 1 }
                let labelName = String(String.UnicodeScalarView(scalars[start..<index]))
                guard let first = labelName.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else {
                    throw Violation(line: number, message: "bad label name in '\(line)'")
                }
                if labelName.hasPrefix("_") {
                    throw Violation(line: number, message: "label name \(labelName) is reserved (starts with _)")
                }
                guard index + 1 < scalars.count, scalars[index] == "=", scalars[index + 1] == "\"" else {
                    throw Violation(line: number, message: "expected =\" after label \(labelName)")
                }
                index += 2
                var raw = ""
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count {
                        raw.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    raw.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else { throw Violation(line: number, message: "unterminated label value") }
                index += 1
                guard labels[labelName] == nil else {
                    throw Violation(line: number, message: "label \(labelName) twice in one label set")
                }
                labels[labelName] = try unescape(raw, line: number)
                labelNames.append(labelName)
                if index < scalars.count, scalars[index] == "," {
                    index += 1
                    guard index < scalars.count, scalars[index] != "}" else {
                        throw Violation(line: number, message: "trailing comma in the label set")
                    }
                } else if index < scalars.count, scalars[index] != "}" {
                    throw Violation(line: number, message: "expected , or } after label \(labelName)")
                }
            }
            guard index < scalars.count else { throw Violation(line: number, message: "unterminated label set") }
            index += 1
        }
        let rest = String(String.UnicodeScalarView(scalars[index...]))
        guard rest.hasPrefix(" ") else { throw Violation(line: number, message: "expected a space before the value") }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 1 || fields.count == 2 else {
            throw Violation(line: number, message: "expected 'value [timestamp]' (exemplars are not expected): \(rest)")
        }
        guard let value = parseNumber(fields[0]) else {
            throw Violation(line: number, message: "bad number '\(fields[0])'")
        }
        var timestamp: Double?
        if fields.count == 2 {
            guard isRealNumber(fields[1]), let parsed = Double(fields[1]) else {
                throw Violation(line: number, message: "bad timestamp '\(fields[1])'")
            }
            timestamp = parsed
        }

        let belongs =
            families.last.map { family in suffixes(of: family.type).contains { family.name + $0 == name } } ?? false
        if !belongs {
            guard !seen.contains(name) else {
                throw Violation(line: number, message: "sample \(name) outside its family (MUST NOT interleave)")
            }
            families.append(Family(name: name))
            seen.insert(name)
        }
        var family = families.removeLast()
        if timestamp == nil,
            family.samples.contains(where: { $0.name == name && $0.labels == labels && $0.timestamp == nil })
        {
            throw Violation(line: number, message: "\(name) repeats a label set")
        }
        family.samples.append(
            Sample(name: name, labelNames: labelNames, labels: labels, value: value, timestamp: timestamp))
        families.append(family)
    }

    /// A gauge called `foo_total` next to a counter `foo` would make two families' samples indistinguishable.
    private static func checkClashes(_ families: [Family]) throws {
        var owners: [String: String] = [:]
        for family in families {
            for suffix in suffixes(of: family.type) {
                let sampleName = family.name + suffix
                if let owner = owners[sampleName], owner != family.name {
                    throw Violation(
                        line: 0, message: "sample name \(sampleName) of \(family.name) clashes with \(owner)")
                }
                owners[sampleName] = family.name
            }
        }
    }

    /// An escaped-string decoded: `\\`, `\"` and `\n` are the only escapes the spec defines.
    static func unescape(_ text: String, line: Int) throws -> String {
        var result = ""
        var escaping = false
        for scalar in text.unicodeScalars {
            if escaping {
                switch scalar {
                case "\\": result += "\\"
                case "\"": result += "\""
                case "n": result += "\n"
                default:
                    throw Violation(line: line, message: "undefined escape \\\(scalar) (a backslash SHOULD be \\\\)")
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "\"" {
                throw Violation(line: line, message: "unescaped double quote")
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        if escaping { throw Violation(line: line, message: "a lone backslash at the end of a string") }
        return result
    }

    /// `number` of the ABNF: a realnumber, or `[SIGN] inf|infinity`, or `nan`, case-insensitive.
    static func parseNumber(_ text: String) -> Double? {
        let lower = text.lowercased()
        switch lower {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return isRealNumber(text) ? Double(text) : nil
        }
    }

    /// `realnumber = [SIGN] 1*DIGIT / [SIGN] 1*DIGIT ["." *DIGIT] ["e" [SIGN] 1*DIGIT] / [SIGN] *DIGIT "." 1*DIGIT
    /// ["e" [SIGN] 1*DIGIT]` (RFC 5234 strings are case-insensitive, so `E` too).
    static func isRealNumber(_ text: String) -> Bool {
        text.range(of: #"^[+-]?([0-9]+(\.[0-9]*)?|[0-9]*\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression)
            != nil
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy(isMetricNameChar)
    }

    /// `ALPHA / "_" / ":" / DIGIT`.
    static func isMetricNameChar(_ scalar: Unicode.Scalar) -> Bool {
        isLabelNameChar(scalar) || scalar == ":"
    }

    /// `ALPHA / "_" / DIGIT`.
    static func isLabelNameChar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
