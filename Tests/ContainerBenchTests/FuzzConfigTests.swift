import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Random and mutated suite and targets texts: the loaders never crash or hang, and every error they throw is a
/// `ConfigError` (which the command line turns into exit 64 with file, line and field).
@Suite("Fuzzed configuration files")
struct FuzzConfigTests {
    static let suiteSeed = """
        version: 1
        defaults:
          trials: 3
          ready_timeout: 500ms
          memory_window: 1
        base_images:
          python:3.12-slim-bookworm: containerbench/python:3.11-bookworm
        services:
          - name: svc
            context: svc
            port: 18200
            health: {path: /health, status: 200}
            drivers:
              uv: {dockerfile: Dockerfile.uv, build_args: {A: "1"}}
              pip: {dockerfile: Dockerfile.pip}
            trials: 2
            ready_timeout: 30
            memory_window: 0
            environment: {FIXTURE_STAMP: "1"}
            load: {path: /work, requests: 10, concurrency: 2}
            scenarios:
              code_change: [app.py]
              deps_change:
                requirements.txt: app.py

        """

    static let targetsSeed = """
        version: 1
        budgets:
          - id: startup
            metric: startup_seconds
            statistic: p95
            max: 8s
            services: [svc]
            drivers: [uv]
            scenario: cold
            description: "startup"
          - id: size
            metric: image_bytes
            max: 450MB
        ratios:
          - id: uv-cold-build
            metric: build_seconds
            statistic: median
            numerator: uv
            denominator: pip
            max: 0.4
            scenario: cold

        """

    /// Fragments that YAML and the loaders treat specially.
    static let fragments = [
        ":", "- ", "[", "]", "{", "}", "#", "&a ", "*a", "!!str ", "!!binary ", "|", ">", "'", "\"", "%", "@", "`",
        "\t", "\n", "\n  ", "  ", "? ", ",", "-1", "0", "0s", "1e400", ".nan", ".inf", "-.inf", "99999999999999999999",
        "null", "~", "true", "0x10", "1_000", "500ms", "/", "../", "\u{0}", "\u{7F}", "é", "🐳", "$(id)", "; rm -rf /",
        "&&", "|| true", "${HOME}", "\\", "<<: *a", "---", "...",
    ]

    /// One mutation of `text`: delete, insert, duplicate, swap, truncate or replace a token.
    static func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return fragments[random.nextIndex(below: fragments.count)] }
        let position = random.nextIndex(below: characters.count)
        switch random.nextIndex(below: 7) {
        case 0:
            let length = min(characters.count - position, 1 + random.nextIndex(below: 12))
            characters.removeSubrange(position..<(position + length))
        case 1:
            characters.insert(contentsOf: fragments[random.nextIndex(below: fragments.count)], at: position)
        case 2:
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let index = random.nextIndex(below: lines.count)
            lines.insert(lines[index], at: index)
            return lines.joined(separator: "\n")
        case 3:
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.swapAt(random.nextIndex(below: lines.count), random.nextIndex(below: lines.count))
            return lines.joined(separator: "\n")
        case 4:
            return String(characters[..<position])
        case 5:
            // Replace the next word (a value or key) with a fragment.
            var end = position
            while end < characters.count, !" \n:{},[]".contains(characters[end]) { end += 1 }
            characters.replaceSubrange(position..<end, with: fragments[random.nextIndex(below: fragments.count)])
        default:
            characters[position] = Character(Unicode.Scalar(UInt8(random.nextIndex(below: 128))))
        }
        return String(characters)
    }

    /// Random text from the fragments and printable characters.
    static func noise(_ random: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<random.nextIndex(below: 60) {
            if random.nextIndex(below: 2) == 0 {
                text += fragments[random.nextIndex(below: fragments.count)]
            } else {
                text.append(Character(Unicode.Scalar(UInt8(32 + random.nextIndex(below: 95)))))
            }
        }
        return text
    }

    /// A context with the files the suite seed names, so that mutants get past the file checks too.
    static func context() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("containerbench-fuzz")
        try directory.write("svc/Dockerfile.uv", "FROM scratch\n")
        try directory.write("svc/Dockerfile.pip", "FROM scratch\n")
        try directory.write("svc/app.py", "print('hi')\n")
        return directory
    }

    /// What a parse of `text` did: nil when it parsed, the error's description when it threw a `ConfigError`.
    /// Records an issue when anything else is thrown.
    static func outcome(_ parse: () throws -> Void, text: String) -> String? {
        do {
            try parse()
            return nil
        } catch let error as ConfigError {
            return error.description
        } catch {
            Issue.record("not a ConfigError (\(type(of: error))): \(error)\n--- input ---\n\(text)")
            return "\(error)"
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func mutatedSuitesOnlyThrowConfigErrors() throws {
        let directory = try Self.context()
        defer { directory.remove() }
        // The seed itself parses: otherwise every mutant would fail at the same place and test little.
        _ = try SuiteLoader.parse(Self.suiteSeed, file: "suite.yaml", baseDirectory: directory.path)
        var random = SeededGenerator(seed: 0x5EED_0007)
        var parsed = 0
        var rejected = 0
        let started = Date()
        for iteration in 0..<3000 {
            var text = iteration % 10 == 9 ? Self.noise(&random) : Self.suiteSeed
            for _ in 0..<(1 + random.nextIndex(below: 4)) { text = Self.mutate(text, &random) }
            let result = Self.outcome(
                { _ = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path) }, text: text)
            if let message = result {
                rejected += 1
                #expect(message.hasPrefix("suite.yaml"), "the error names the file: \(message)")
            } else {
                parsed += 1
            }
        }
        // Both outcomes must occur, or the mutations are too weak (all parse) or too strong (nothing parses).
        #expect(parsed > 50 && rejected > 500, "parsed \(parsed), rejected \(rejected)")
        #expect(Date().timeIntervalSince(started) < 30, "3000 parses should take seconds")
    }

    @Test(.timeLimit(.minutes(1)))
    func mutatedTargetsOnlyThrowConfigErrors() throws {
        _ = try TargetsLoader.parse(Self.targetsSeed, file: "targets.yaml")
        var random = SeededGenerator(seed: 0x7A26_E750)
        var parsed = 0
        var rejected = 0
        for iteration in 0..<3000 {
            var text = iteration % 10 == 9 ? Self.noise(&random) : Self.targetsSeed
            for _ in 0..<(1 + random.nextIndex(below: 4)) { text = Self.mutate(text, &random) }
            let result = Self.outcome({ _ = try TargetsLoader.parse(text, file: "targets.yaml") }, text: text)
            if let message = result {
                rejected += 1
                #expect(message.hasPrefix("targets.yaml"), "the error names the file: \(message)")
            } else {
                parsed += 1
            }
        }
        #expect(parsed > 50 && rejected > 500, "parsed \(parsed), rejected \(rejected)")
    }

    /// Aliases that expand exponentially ("billion laughs"), deep nesting and a huge scalar must be refused or
    /// parsed in bounded time, not hang or exhaust memory.
    @Test(.timeLimit(.minutes(1)), arguments: ["aliases", "nesting", "scalar"])
    func pathologicalDocumentsAreBounded(kind: String) throws {
        let directory = try Self.context()
        defer { directory.remove() }
        let text: String
        switch kind {
        case "aliases":
            var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            for level in 1..<12 {
                let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                lines.append("a\(level): &a\(level) [\(refs)]")
            }
            lines.append("services: *a11")
            text = lines.joined(separator: "\n") + "\n"
        case "nesting":
            text = "services: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        default:
            text = "services:\n  - name: " + String(repeating: "x", count: 2_000_000) + "\n"
        }
        let started = Date()
        let suite = Self.outcome(
            { _ = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path) }, text: "(\(kind))")
        let targets = Self.outcome({ _ = try TargetsLoader.parse(text, file: "targets.yaml") }, text: "(\(kind))")
        #expect(suite != nil && targets != nil, "a pathological document is not a valid suite or targets file")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// Names, labels, build arguments and paths end up in image tags, labels, URLs and command-line arguments to
    /// the build client. Shell metacharacters are refused by validation, so nothing could be interpreted.
    @Test(arguments: [
        "a;b", "a b", "$(id)", "`id`", "a|b", "a&b", "a>b", "a\nb", "../x", "-x", "a'b", "a\"b", "a$b", "*",
    ])
    func shellMetacharactersAreRejectedInNames(_ hostile: String) throws {
        #expect(!Validation.isName(hostile))
        #expect(!Validation.isBuildArgName(hostile))
        let directory = try Self.context()
        defer { directory.remove() }
        let quoted =
            "\"" + hostile.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
            + "\""
        let asServiceName = Self.suiteSeed.replacingOccurrences(of: "name: svc", with: "name: \(quoted)")
        let asDriverName = Self.suiteSeed.replacingOccurrences(of: "pip: {dockerfile", with: "\(quoted): {dockerfile")
        let asBuildArg = Self.suiteSeed.replacingOccurrences(of: "{A: \"1\"}", with: "{\(quoted): \"1\"}")
        for text in [asServiceName, asDriverName, asBuildArg] {
            #expect(throws: ConfigError.self) {
                _ = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path)
            }
        }
        let asTargetID = Self.targetsSeed.replacingOccurrences(of: "id: startup", with: "id: \(quoted)")
        #expect(throws: ConfigError.self) { _ = try TargetsLoader.parse(asTargetID, file: "targets.yaml") }
    }

    /// Health paths with spaces or control characters would split an HTTP request line; they are refused.
    @Test(arguments: ["/health x", "/a\r\nHost: evil", "health", "/\u{7F}", ""])
    func hostileHealthPathsAreRejected(_ path: String) throws {
        #expect(!Validation.isHTTPPath(path))
        let directory = try Self.context()
        defer { directory.remove() }
        let escaped = path.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\u{7F}", with: "\\x7F")
        let text = Self.suiteSeed.replacingOccurrences(of: "{path: /health,", with: "{path: \"\(escaped)\",")
        let error = try #require(throws: ConfigError.self) {
            _ = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path)
        }
        #expect(error.field == "services[0].health.path", "\(error)")
    }

    /// Build argument values and environment values are data: any characters are passed on literally (as one
    /// argv element / one API string), so the loader keeps them unchanged rather than refusing them.
    @Test func buildArgumentAndEnvironmentValuesArePassedLiterally() throws {
        let directory = try Self.context()
        defer { directory.remove() }
        let hostile = "$(touch /tmp/pwned); `id` && echo | cat > x"
        let text = Self.suiteSeed.replacingOccurrences(of: "{A: \"1\"}", with: "{A: '\(hostile)'}")
            .replacingOccurrences(of: "{FIXTURE_STAMP: \"1\"}", with: "{FIXTURE_STAMP: '\(hostile)'}")
        let suite = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path)
        let service = try #require(suite.services.first)
        #expect(service.drivers.first { $0.name == "uv" }?.buildArgs["A"] == hostile)
        #expect(service.environment["FIXTURE_STAMP"] == hostile)
    }

    /// Absurd values: each names its field and line and says what would be valid.
    @Test(arguments: [
        ("trials: 2", "trials: 0", "services[0].trials"),
        ("trials: 2", "trials: -3", "services[0].trials"),
        ("trials: 2", "trials: many", "services[0].trials"),
        ("ready_timeout: 30", "ready_timeout: 0", "services[0].ready_timeout"),
        ("ready_timeout: 30", "ready_timeout: -1s", "services[0].ready_timeout"),
        ("memory_window: 0", "memory_window: -1", "services[0].memory_window"),
        ("port: 18200", "port: 0", "services[0].port"),
        ("port: 18200", "port: 70000", "services[0].port"),
        ("port: 18200", "port: [1]", "services[0].port"),
        ("requests: 10", "requests: 0", "services[0].load.requests"),
        ("context: svc", "context: nowhere", "services[0].context"),
        ("dockerfile: Dockerfile.pip", "dockerfile: Dockerfile.none", "services[0].drivers.pip.dockerfile"),
        ("    trials: 2\n", "    trails: 2\n", "services[0].trails"),
    ])
    func absurdValuesNameTheirField(original: String, replacement: String, field: String) throws {
        let directory = try Self.context()
        defer { directory.remove() }
        let text = Self.suiteSeed.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.suiteSeed)
        let error = try #require(throws: ConfigError.self) {
            _ = try SuiteLoader.parse(text, file: "suite.yaml", baseDirectory: directory.path)
        }
        #expect(error.field == field, "\(error)")
        #expect(error.line != nil, "\(error)")
    }
}
