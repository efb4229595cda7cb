import Foundation

/// A compose `.env` file: `NAME=value` lines, `export` allowed, `#` comments, single-quoted values literal,
/// double-quoted and unquoted values interpolated (`${OTHER}`), as docker compose reads it.
enum DotEnvFile {
    /// The variables in file order.
    /// - Parameter environment: Variables a value may refer to besides the earlier lines (the process environment,
    ///   which wins over the file).
    /// - Throws: `ConfigError` naming the file and line of a line that is not `NAME=value`.
    static func parse(_ text: String, file: String, environment: [String: String]) throws -> [String: String] {
        var values: [String: String] = [:]
        // "\r\n" is one Character in Swift: normalise line ends before splitting.
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")[...]
        var number = 0
        while let raw = lines.popFirst() {
            number += 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw ConfigError(file: file, line: number, message: "expected NAME=value, found '\(line)'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard
                Validation.isBuildArgName(name) || name.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) })
            else {
                throw ConfigError(file: file, line: number, message: "'\(name)' is not a variable name")
            }
            var rest = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var interpolation = ComposeInterpolation { environment[$0] ?? values[$0] }
            let value: String
            if let quote = rest.first, quote == "'" || quote == "\"" {
                rest = rest.dropFirst()
                var body = ""
                var closed = false
                // A quoted value may run over several lines.
                while true {
                    if let end = closingQuote(in: rest, quote: quote) {
                        body += rest[..<end]
                        closed = true
                        break
                    }
                    body += rest
                    guard let next = lines.popFirst() else { break }
                    number += 1
                    body += "\n"
                    rest = Substring(next)
                }
                guard closed else {
                    throw ConfigError(file: file, line: number, message: "\(name): the quoted value is never closed")
                }
                if quote == "'" {
                    value = body
                } else {
                    let unescaped = body.replacingOccurrences(of: "\\n", with: "\n")
                        .replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\\"", with: "\"")
                        .replacingOccurrences(of: "\\\\", with: "\\")
                    value = try interpolated(unescaped, &interpolation, file: file, line: number)
                }
            } else {
                var unquoted = String(rest)
                if let comment = unquoted.range(of: " #") { unquoted = String(unquoted[..<comment.lowerBound]) }
                value = try interpolated(
                    unquoted.trimmingCharacters(in: .whitespaces), &interpolation, file: file, line: number)
            }
            values[name] = value
        }
        return values
    }

    private static func closingQuote(in text: Substring, quote: Character) -> Substring.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\\", quote == "\"", text.index(after: index) < text.endIndex {
                index = text.index(index, offsetBy: 2)
                continue
            }
            if text[index] == quote { return index }
            index = text.index(after: index)
        }
        return nil
    }

    private static func interpolated(
        _ text: String, _ interpolation: inout ComposeInterpolation, file: String, line: Int
    ) throws -> String {
        do {
            return try interpolation.interpolate(text)
        } catch {
            throw ConfigError(file: file, line: line, message: error.message)
        }
    }
}
