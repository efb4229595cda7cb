import Foundation
import Yams

/// A YAML node with its location, for readers that report file, line and field on every error.
struct YAMLNode {
    let node: Node
    let file: String
    /// Dotted path of this node from the document root.
    let path: String

    /// Parses `text`; an empty document is an error.
    static func parse(_ text: String, file: String) throws -> YAMLNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(
                file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigError(file: file, message: "not valid YAML: \(error)")
        }
        guard let root else { throw ConfigError(file: file, message: "the file is empty") }
        return YAMLNode(node: root, file: file, path: "")
    }

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, field: path.isEmpty ? nil : path, message: message)
    }

    /// The mapping's entries; throws naming the allowed keys when an unknown key appears.
    func mapping(allowed: [String]) throws -> [String: YAMLNode] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value), found \(kind)") }
        var result: [String: YAMLNode] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error("keys must be strings") }
            let child = YAMLNode(node: value, file: file, path: path.isEmpty ? name : "\(path).\(name)")
            guard allowed.contains(name) else {
                throw ConfigError(
                    file: file, line: key.mark?.line, field: child.path,
                    message: "unknown key '\(name)'; valid keys here: \(allowed.joined(separator: ", "))")
            }
            guard result[name] == nil else {
                throw ConfigError(file: file, line: key.mark?.line, field: child.path, message: "duplicate key")
            }
            result[name] = child
        }
        return result
    }

    /// A mapping whose keys are free (names chosen by the user), in file order.
    func freeMapping() throws -> [(key: String, value: YAMLNode, line: Int?)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value), found \(kind)") }
        var seen: Set<String> = []
        return try mapping.map { key, value in
            guard let name = key.string else { throw error("keys must be strings") }
            guard seen.insert(name).inserted else {
                throw ConfigError(file: file, line: key.mark?.line, field: "\(path).\(name)", message: "duplicate key")
            }
            return (
                name, YAMLNode(node: value, file: file, path: path.isEmpty ? name : "\(path).\(name)"), key.mark?.line
            )
        }
    }

    func sequence() throws -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kind)") }
        return sequence.enumerated().map { index, item in
            YAMLNode(node: item, file: file, path: "\(path)[\(index)]")
        }
    }

    func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value, found \(kind)") }
        return scalar.string
    }

    func nonEmptyString() throws -> String {
        let value = try string().trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw error("must not be empty") }
        return value
    }

    func int(in range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(display)")
        }
        guard range.contains(value) else {
            throw error("\(value) is out of range: expected \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A duration in seconds: a number (seconds) or a string with a unit (`500ms`, `10s`, `2m`).
    func seconds(in range: ClosedRange<Double>) throws -> Double {
        let text = (try? string()) ?? ""
        guard let value = Quantity.seconds(text) else {
            throw error("expected a duration such as 10, 10s, 500ms or 2m, found \(display)")
        }
        guard range.contains(value) else {
            throw error("\(text) is out of range: expected \(range.lowerBound) s to \(range.upperBound) s")
        }
        return value
    }

    func stringMap() throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in try freeMapping() {
            result[entry.key] = try entry.value.string()
        }
        return result
    }

    func stringList() throws -> [String] {
        try sequence().map { try $0.nonEmptyString() }
    }

    var kind: String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    var display: String { kind }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(error)"
        }
    }
}

/// Reads quantities with units: durations and byte sizes.
public enum Quantity {
    /// Seconds from `10`, `10s`, `1.5 s`, `500ms`, `2m`; nil when not a non-negative finite duration.
    public static func seconds(_ text: String) -> Double? {
        let (number, unit) = split(text)
        guard let number, number.isFinite, number >= 0 else { return nil }
        switch unit {
        case "", "s", "sec", "seconds": return number
        case "ms": return number / 1000
        case "m", "min": return number * 60
        case "h": return number * 3600
        default: return nil
        }
    }

    /// Bytes from `450MB`, `1.5 GB`, `512MiB`, `1000` (bytes); decimal units are powers of 1000.
    public static func bytes(_ text: String) -> Double? {
        let (number, unit) = split(text)
        guard let number, number.isFinite, number >= 0 else { return nil }
        let scale: Double? =
            [
                "": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1024, "mib": 1_048_576,
                "gib": 1_073_741_824,
            ][unit.lowercased()]
        return scale.map { number * $0 }
    }

    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" }
        let unit = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces)
        return (Double(numberPart), unit)
    }
}
