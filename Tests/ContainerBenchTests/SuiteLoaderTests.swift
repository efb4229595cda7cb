import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@Suite("Suite files")
struct SuiteLoaderTests {
    /// A context with both Dockerfiles, and a suite text around it.
    func fixture(_ services: String, extra: String = "") throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        try directory.write("svc/Dockerfile.uv", "FROM scratch\n")
        try directory.write("svc/Dockerfile.pip", "FROM scratch\n")
        try directory.write("svc/app.py", "print('hi')\n")
        let text = "version: 1\n\(extra)services:\n\(services)"
        let path = try directory.write("suite.yaml", text)
        return (directory, path)
    }

    static let goodService = """
          - name: svc
            context: svc
            port: 8080
            health: {path: /health, status: 200}
            drivers:
              uv: {dockerfile: Dockerfile.uv, build_args: {A: "1"}}
              pip: {dockerfile: Dockerfile.pip}
            load: {path: /work, requests: 10, concurrency: 2}
            scenarios:
              code_change: [app.py]

        """

    @Test func readsAGoodSuite() throws {
        let (directory, path) = try fixture(Self.goodService, extra: "defaults: {trials: 3, ready_timeout: 500ms}\n")
        defer { directory.remove() }
        let suite = try SuiteLoader.load(path: path)
        let service = try #require(suite.services.first)
        #expect(service.name == "svc")
        #expect(service.port == 8080)
        #expect(service.trials == 3)
        #expect(service.readyTimeout == 0.5)
        #expect(service.drivers.map(\.name) == ["uv", "pip"])
        #expect(service.drivers[0].buildArgs == ["A": "1"])
        #expect(service.drivers[0].dockerfile == directory.url.appendingPathComponent("svc/Dockerfile.uv").path)
        #expect(service.load == LoadSpec(path: "/work", requests: 10, concurrency: 2))
        #expect(service.health.accepts(200) && !service.health.accepts(204))
    }

    @Test func theRepositorySuiteLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let suite = try SuiteLoader.load(path: root.appendingPathComponent("benchmarks/suite.yaml").path)
        #expect(suite.services.map(\.name) == ["fixture", "fastapi", "streamlit", "analytics"])
        #expect(suite.services.allSatisfy { Set($0.drivers.map(\.name)) == ["uv", "pip"] })
        #expect(suite.baseImages["python:3.12-slim-bookworm"] == "containerbench/python:3.11-bookworm")
        let targets = try TargetsLoader.load(path: root.appendingPathComponent("baselines/targets.yaml").path)
        #expect(targets.budgets.map(\.max).contains(8))
        #expect(targets.budgets.map(\.max).contains(450_000_000))
        #expect(targets.budgets.map(\.max).contains(1_500_000_000))
        #expect(targets.ratios.first?.max == 0.4)
    }

    /// A valid service (lines 3-8 of the file) with line `replace` (0-based within it) replaced, or `append`ed.
    static func service(replace: Int? = nil, with text: String = "", append: String? = nil) -> String {
        var lines = [
            "  - name: svc", "    context: svc", "    port: 8080", "    health: {path: /h}", "    drivers:",
            "      uv: {dockerfile: Dockerfile.uv}",
        ]
        if let replace { lines[replace] = text }
        if let append { lines.append(append) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Bad inputs: each must name the line and the field, and say what is valid.
    @Test(arguments: [
        (service(replace: 0, with: "  - nom: svc"), "services[0].nom", 3, "unknown key 'nom'"),
        (service(replace: 2, with: "    port: 0"), "services[0].port", 5, "out of range"),
        (service(replace: 2, with: "    port: http"), "services[0].port", 5, "expected a whole number"),
        (service(replace: 1, with: "    context: nowhere"), "services[0].context", 4, "does not exist"),
        (service(append: "    colour: red"), "services[0].colour", 9, "unknown key 'colour'"),
        (service(append: "    trials: -1"), "services[0].trials", 9, "out of range"),
        (service(append: "    trials: 0"), "services[0].trials", 9, "out of range"),
        (service(append: "    ready_timeout: 0"), "services[0].ready_timeout", 9, "out of range"),
        (service(replace: 3, with: "    health: {path: health}"), "services[0].health.path", 6, "must start with '/'"),
        (
            service(replace: 3, with: "    health: {path: /h, status: 42}"), "services[0].health.status", 6,
            "out of range"
        ),
        (
            service(replace: 5, with: "      uv: {dockerfile: Nope}"), "services[0].drivers.uv.dockerfile", 8,
            "does not exist"
        ),
        (service(replace: 0, with: "  - name: Bad_Name"), "services[0].name", 3, "not a valid name"),
        (service(replace: 5, with: ""), "services[0].drivers", 7, "expected a mapping"),
    ])
    func badInputIsLocated(_ body: String, field: String, line: Int, message: String) throws {
        let (directory, path) = try fixture(body)
        defer { directory.remove() }
        let error = try #require(throws: ConfigError.self) { try SuiteLoader.load(path: path) }
        #expect(error.file == path)
        #expect(error.field == field, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func missingRequiredKeyNamesTheService() throws {
        let (directory, path) = try fixture(Self.service(replace: 2, with: "    trials: 2"))
        defer { directory.remove() }
        let error = try #require(throws: ConfigError.self) { try SuiteLoader.load(path: path) }
        #expect(error.field == "services[0]")
        #expect(error.line == 3)
        #expect(error.message.contains("missing required key 'port'"))
    }

    @Test func malformedYAMLNamesTheLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("suite.yaml", "version: 1\nservices:\n  - name: [unclosed\n")
        let error = try #require(throws: ConfigError.self) { try SuiteLoader.load(path: path) }
        #expect(error.line != nil)
        #expect(error.message.contains("not valid YAML"))
    }

    @Test func missingFileAndEmptyFile() throws {
        let missing = try #require(throws: ConfigError.self) { try SuiteLoader.load(path: "/nonexistent/suite.yaml") }
        #expect(missing.message.contains("cannot read"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = try directory.write("suite.yaml", "")
        let error = try #require(throws: ConfigError.self) { try SuiteLoader.load(path: empty) }
        #expect(error.message.contains("empty"))
    }

    @Test func quantities() {
        #expect(Quantity.seconds("8s") == 8)
        #expect(Quantity.seconds("500ms") == 0.5)
        #expect(Quantity.seconds("2m") == 120)
        #expect(Quantity.seconds("-1") == nil)
        #expect(Quantity.seconds("fast") == nil)
        #expect(Quantity.bytes("450MB") == 450_000_000)
        #expect(Quantity.bytes("1.5 GB") == 1_500_000_000)
        #expect(Quantity.bytes("1MiB") == 1_048_576)
        #expect(Quantity.bytes("12 parsecs") == nil)
    }
}

@Suite("Targets files")
struct TargetsLoaderTests {
    @Test func readsBudgetsAndRatios() throws {
        let targets = try TargetsLoader.parse(
            """
            version: 1
            budgets:
              - {id: startup, metric: startup_seconds, statistic: p95, max: 8s}
              - {id: image, metric: image_bytes, max: 450MB, services: [fastapi]}
            ratios:
              - {id: uv-cold, metric: build_seconds, scenario: cold, numerator: uv, denominator: pip, max: 0.4}
            """, file: "t.yaml")
        #expect(targets.budgets.count == 2)
        #expect(targets.budgets[1].statistic == .value)
        #expect(targets.budgets[1].applies(service: "fastapi", driver: "uv"))
        #expect(!targets.budgets[1].applies(service: "streamlit", driver: "uv"))
        #expect(targets.ratios[0].scenario == .cold)
    }

    @Test(arguments: [
        ("budgets:\n  - {id: a, metric: speed, max: 1}\n", 2, "unknown metric 'speed'"),
        ("budgets:\n  - {id: a, metric: startup_seconds, max: 8GB}\n", 2, "expected a positive limit"),
        ("budgets:\n  - {id: a, metric: startup_seconds, statistic: p99, max: 8}\n", 2, "unknown statistic"),
        ("budgets:\n  - {metric: startup_seconds, max: 8}\n", 2, "missing required key 'id'"),
        (
            "ratios:\n  - {id: r, metric: build_seconds, numerator: uv, denominator: pip, max: -2}\n", 2,
            "positive ratio"
        ),
        ("budget:\n  - {}\n", 1, "unknown key 'budget'"),
    ])
    func badTargetsAreLocated(_ text: String, line: Int, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try TargetsLoader.parse(text, file: "targets.yaml") }
        #expect(error.file == "targets.yaml")
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }
}

/// The trial settings digest tells "the same image measured the same way" from "measured another way", which decides
/// whether a same-sitting A/B of images can confirm a change.
@Suite("Trial settings digest")
struct TrialSettingsDigestTests {
    static let service = ServiceSpec(
        name: "api", context: "/srv/api", drivers: [DriverSpec(name: "uv", dockerfile: "Dockerfile")], port: 8000,
        health: HealthSpec(path: "/health", status: 200), memoryWindow: 2,
        environment: ["TOKEN": "s3cret-value", "WORKERS": "4"],
        command: ["gunicorn", "app:app"])

    @Test("each setting a trial runs with changes the digest; what does not reach the trial does not")
    func digestFollowsTrialSettings() {
        let options = TrialOptions()
        let digest = Self.service.trialSettingsDigest(options: options)
        #expect(digest.hasPrefix("fnv1a64:") && digest.count == "fnv1a64:".count + 16)
        #expect(!digest.contains("s3cret"), "values are not kept")
        var changes: [ServiceSpec] = []
        for change in 0..<6 {
            var other = Self.service
            switch change {
            case 0: other.environment["WORKERS"] = "8"
            case 1: other.environment["EXTRA"] = "1"
            case 2: other.command = nil
            case 3: other.health.path = "/ready"
            case 4: other.memoryWindow = 3
            default: other.port = 8001
            }
            changes.append(other)
        }
        for other in changes {
            #expect(other.trialSettingsDigest(options: options) != digest, "\(other)")
        }
        #expect(Self.service.trialSettingsDigest(options: TrialOptions(healthInterval: 0.1)) != digest)
        var untouched = Self.service
        untouched.trials = 20
        untouched.readyTimeout = 5
        untouched.drivers.append(DriverSpec(name: "pip", dockerfile: "Dockerfile.pip"))
        #expect(untouched.trialSettingsDigest(options: options) == digest)
        #expect(Self.service.trialSettingsDigest(options: TrialOptions(probeInterval: 0.01)) == digest)
        // A secret's value (by name, or by shape under any name) is not in the digest: nothing to guess it from.
        var rotated = Self.service
        rotated.environment["TOKEN"] = "1234"
        #expect(rotated.trialSettingsDigest(options: options) == digest)
        var shaped = Self.service
        shaped.environment["MIRROR"] = "ghp_" + String(repeating: "a1B2", count: 9)
        let shapedDigest = shaped.trialSettingsDigest(options: options)
        shaped.environment["MIRROR"] = "ghp_" + String(repeating: "z9Y8", count: 9)
        #expect(shaped.trialSettingsDigest(options: options) == shapedDigest)
    }
}
