import Foundation

/// Maps image references in a Dockerfile (FROM, COPY/RUN `--from=`, ARG defaults) to local stand-ins, writing the
/// result to a new file. The user's Dockerfile is never edited.
public struct DockerfileRewriter: Sendable {
    public var map: [String: String]

    public init(map: [String: String]) {
        self.map = map
    }

    /// The rewritten text and the replacements made ("python:3.12-slim → containerbench/python:3.11").
    public func rewrite(_ text: String) -> (text: String, replacements: [String]) {
        guard !map.isEmpty else { return (text, []) }
        var replacements: [String] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let upper = trimmed.uppercased()
            guard
                upper.hasPrefix("FROM ") || upper.hasPrefix("COPY ") || upper.hasPrefix("RUN ")
                    || upper.hasPrefix("ARG ")
            else { return String(line) }
            var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            for index in words.indices {
                let word = words[index]
                if upper.hasPrefix("FROM "), index > 0, let mapped = map[word] {
                    words[index] = mapped
                    replacements.append("\(word) → \(mapped)")
                } else if word.hasPrefix("--from="), let mapped = map[String(word.dropFirst(7))] {
                    words[index] = "--from=" + mapped
                    replacements.append("\(word.dropFirst(7)) → \(mapped)")
                } else if upper.hasPrefix("ARG "), let equals = word.firstIndex(of: "=") {
                    var value = String(word[word.index(after: equals)...])
                    let quoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2
                    if quoted { value = String(value.dropFirst().dropLast()) }
                    if let mapped = map[value] {
                        words[index] = String(word[...equals]) + (quoted ? "\"\(mapped)\"" : mapped)
                        replacements.append("\(value) → \(mapped)")
                    }
                }
            }
            return words.joined(separator: " ")
        }
        return (lines.joined(separator: "\n"), replacements)
    }

    /// The image references a Dockerfile names in FROM lines and ARG defaults that look like images.
    public static func referencedImages(_ text: String) -> [String] {
        var images: [String] = []
        var stages: Set<String> = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first?.uppercased() else { continue }
            if first == "FROM" {
                let rest = words.dropFirst().filter { !$0.hasPrefix("--") }
                if let image = rest.first, !image.contains("$"), !stages.contains(image.lowercased()) {
                    images.append(image)
                }
                if rest.count >= 3, rest[rest.startIndex + 1].uppercased() == "AS" {
                    stages.insert(rest[rest.startIndex + 2].lowercased())
                }
            } else if first == "ARG", words.count >= 2, let equals = words[1].firstIndex(of: "=") {
                let value = words[1][words[1].index(after: equals)...].trimmingCharacters(in: ["\""])
                if value.contains(":") || value.contains("/") { images.append(value) }
            }
        }
        return images
    }

    /// The image the last stage starts FROM, with ARG defaults substituted.
    public static func finalStageBase(_ dockerfile: String) -> String? {
        var args: [String: String] = [:]
        var last: String?
        for line in dockerfile.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first?.uppercased() else { continue }
            if first == "ARG", words.count >= 2, let equals = words[1].firstIndex(of: "=") {
                args[String(words[1][..<equals])] = String(words[1][words[1].index(after: equals)...])
                    .trimmingCharacters(in: ["\""])
            } else if first == "FROM" {
                var image = words.dropFirst().first { !$0.hasPrefix("--") } ?? ""
                for (name, value) in args {
                    image = image.replacingOccurrences(of: "${\(name)}", with: value)
                        .replacingOccurrences(of: "$\(name)", with: value)
                }
                last = image
            }
        }
        return last
    }
}
