import ContainerBench
import Foundation
import Testing

/// BuildLogParser on real `--progress plain` logs captured from this project's engine (Docker 20.10, built-in
/// BuildKit): `--no-cache` builds of benchmarks/fixture with each driver.
@Suite("Build log parser on captured BuildKit logs")
struct BuildLogParserTests {
    static func log(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "log", subdirectory: "Fixtures/buildkit"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("uv build: every named step, its time, the cached FROMs, and the uv sync step as the install")
    func uvBuild() throws {
        let steps = BuildLogParser.steps(try Self.log("fixture-uv-no-cache"))
        #expect(steps.count == 11, "\(steps.map(\.name))")
        #expect(!steps.contains { $0.name.hasPrefix("[internal]") })
        let install = try #require(steps.first { $0.isDependencyInstall })
        #expect(install.name.hasPrefix("[builder 4/6] RUN --mount=type=cache,target=/root/.cache/uv"))
        #expect(install.name.hasSuffix("uv sync --locked --no-install-project --no-dev"))
        #expect(install.seconds == 2.6)
        #expect(!install.cached)
        #expect(steps.filter(\.isDependencyInstall).count == 1)
        // The bytecode step of the app is a RUN but not a dependency install.
        let compile = try #require(steps.first { $0.name.contains("compileall -q /app") })
        #expect(!compile.isDependencyInstall && compile.seconds == 1.1)
        // FROM vertices are reported CACHED even with --no-cache (the base is resolved, not rebuilt).
        #expect(steps.filter(\.cached).map(\.name).allSatisfy { $0.contains(" FROM ") })
        #expect(steps.filter(\.cached).count == 2)
        // A vertex named twice (#8, interleaved output) is one step.
        #expect(steps.filter { $0.name.hasPrefix("[builder 2/6]") }.count == 1)
    }

    @Test("pip build: the pip install step is the install, the venv step is not")
    func pipBuild() throws {
        let steps = BuildLogParser.steps(try Self.log("fixture-pip-no-cache"))
        #expect(steps.count == 10, "\(steps.map(\.name))")
        let install = try #require(steps.first { $0.isDependencyInstall })
        #expect(install.name.contains("/opt/venv/bin/pip install --require-hashes --compile"))
        #expect(install.seconds == 6.1)
        #expect(steps.filter(\.isDependencyInstall).count == 1)
        let venv = try #require(steps.first { $0.name.hasSuffix("RUN python3 -m venv /opt/venv") })
        #expect(!venv.isDependencyInstall && venv.seconds == 19.9)
        let record = BuildRecord(
            service: "fixture", driver: "pip", scenario: .cold, seconds: 30, succeeded: true, steps: steps)
        #expect(record.installSeconds == 6.1)
    }
}
