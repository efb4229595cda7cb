import ContainerBench
import Foundation
import Testing

/// Random text and random mutations of the corpus: the parser never crashes or hangs, every error it throws is a
/// `DockerfileError` that names the file, and whatever parses can be resolved and rewritten consistently.
@Suite("Fuzzed Dockerfiles")
struct DockerfileFuzzTests {
    static let fragments = [
        "\\", "`", "\\\n", "`\n", "<<EOF", "<<-EOF", "EOF", "<<'X'", "$", "${", "}", "${A:-", "${A:?x}", "$A", "\"",
        "'", "[", "]", "[\"a\"]", ",", "=", "--from=", "--mount=", "type=cache,", "from=", "--platform=", "FROM ",
        "AS ", "ARG ", "ENV ", "COPY ", "RUN ", "HEALTHCHECK ", "CMD ", "NONE", "scratch", "# escape=`\n",
        "# syntax=x\n", "#", "\r\n", "\n", "\t", " ", "\u{FEFF}", "\u{0}", "é", "🐳", "0", "-1", "99999999999999999999",
        "python:3.12", "ghcr.io/astral-sh/uv:0.9.5", "localhost:5000/a", "@sha256:", "ONBUILD ", "--interval=1m",
    ]

    static func corpus() throws -> [String] {
        let names = [
            "uv-single-stage", "uv-multistage", "uv-sync-cache-mounts", "custom-base", "pip-custom-base", "pip-system",
            "arg-python-version", "continuations", "backtick-escape", "heredoc", "targets", "from-builder",
            "copy-from-index",
        ]
        return try names.map { name in
            let url = try #require(
                Bundle.module.url(forResource: name, withExtension: "Dockerfile", subdirectory: "Fixtures/dockerfiles"))
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    /// One mutation: delete a span, insert a fragment, duplicate or swap lines, truncate, or replace a character.
    static func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
        var scalars = Array(text.unicodeScalars)
        func string(_ scalars: [Unicode.Scalar]) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
        guard !scalars.isEmpty else { return fragments[random.nextIndex(below: fragments.count)] }
        let position = random.nextIndex(below: scalars.count)
        switch random.nextIndex(below: 6) {
        case 0:
            let length = min(scalars.count - position, 1 + random.nextIndex(below: 20))
            scalars.removeSubrange(position..<(position + length))
        case 1:
            scalars.insert(contentsOf: fragments[random.nextIndex(below: fragments.count)].unicodeScalars, at: position)
        case 2:
            var lines = text.components(separatedBy: "\n")
            let index = random.nextIndex(below: lines.count)
            lines.insert(lines[index], at: index)
            return lines.joined(separator: "\n")
        case 3:
            var lines = text.components(separatedBy: "\n")
            lines.swapAt(random.nextIndex(below: lines.count), random.nextIndex(below: lines.count))
            return lines.joined(separator: "\n")
        case 4:
            scalars = Array(scalars[..<position])
        default:
            scalars[position] = Unicode.Scalar(UInt8(random.nextIndex(below: 128)))
        }
        return string(scalars)
    }

    static func noise(_ random: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<random.nextIndex(below: 80) {
            if random.nextIndex(below: 2) == 0 {
                text += fragments[random.nextIndex(below: fragments.count)]
            } else {
                text.unicodeScalars.append(Unicode.Scalar(UInt8(32 + random.nextIndex(below: 95))))
            }
        }
        return text
    }

    /// Parses, resolves and rewrites `text`; true when it parsed. Any error other than a `DockerfileError` naming
    /// the file, and any inconsistency between a rewrite and a re-parse of it, is recorded.
    static func exercise(_ text: String) -> Bool {
        let dockerfile: Dockerfile
        do {
            dockerfile = try Dockerfile.parse(text, file: "Dockerfile.fuzz")
        } catch {
            check(error, text)
            return false
        }
        #expect(dockerfile.text == text, "the text is kept as it was")
        do {
            let references = try dockerfile.resolve().references
            _ = try dockerfile.imageConfig()
            var map: [String: String] = [:]
            for (index, reference) in references.enumerated() where map[reference.name] == nil {
                map[reference.name] = "local/image\(index)"
            }
            let (mapped, replacements) = try dockerfile.rewrite(map: map)
            #expect(replacements.count == references.count, "every reference is mapped\n\(text)")
            #expect(try dockerfile.rewrite(map: [:]).text == text, "an empty map changes nothing")
            // The copy parses, and names exactly the stand-ins where the original named the images.
            let again = try Dockerfile.parse(mapped, file: "Dockerfile.fuzz")
            let names = try again.resolve().references.map(\.name)
            #expect(names == references.map { map[$0.name] ?? "" }, "\(text)\n--- mapped ---\n\(mapped)")
        } catch {
            check(error, text)
        }
        return true
    }

    static func check(_ error: any Error, _ text: String) {
        guard let error = error as? DockerfileError else {
            Issue.record("not a DockerfileError (\(type(of: error))): \(error)\n--- input ---\n\(text)")
            return
        }
        #expect(error.description.hasPrefix("Dockerfile.fuzz"), "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func mutatedCorpusNeverCrashes() throws {
        let corpus = try Self.corpus()
        for text in corpus { #expect(Self.exercise(text), "the corpus itself parses") }
        var random = SeededGenerator(seed: 0xD0C6_E7F1)
        var parsed = 0
        var rejected = 0
        let started = Date()
        for iteration in 0..<4000 {
            var text = iteration % 10 == 9 ? Self.noise(&random) : corpus[random.nextIndex(below: corpus.count)]
            for _ in 0..<(1 + random.nextIndex(below: 4)) { text = Self.mutate(text, &random) }
            if Self.exercise(text) { parsed += 1 } else { rejected += 1 }
        }
        #expect(parsed > 400 && rejected > 400, "parsed \(parsed), rejected \(rejected)")
        #expect(Date().timeIntervalSince(started) < 30, "4000 parses should take seconds")
    }

    @Test(
        "pathological inputs are bounded", .timeLimit(.minutes(1)),
        arguments: [
            "continuation", "heredocs", "pattern", "nesting",
        ])
    func pathological(kind: String) {
        let text: String
        switch kind {
        case "continuation": text = "FROM a\nRUN " + String(repeating: "x \\\n", count: 20_000) + "y"
        case "heredocs": text = "FROM a\nRUN " + String(repeating: "<<E ", count: 2_000) + "\n"
        case "pattern":
            text =
                "ARG V=" + String(repeating: "a", count: 3_000) + "\nARG W=${V##" + String(repeating: "*a", count: 50)
                + "}\nFROM scratch"
        default:
            text =
                "ARG V=" + String(repeating: "${A:-", count: 2_000) + String(repeating: "}", count: 2_000)
                + "\nFROM scratch"
        }
        _ = Self.exercise(text)
    }
}
