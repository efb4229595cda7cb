import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `run --confirm` and `ab --ref` through the built binary against the real engine, with the fixture on this
/// suite's ports (FIXTURE_PORT). Fails, never skips, when no engine answers.
@Suite("run --confirm and ab --ref (real engine)", .serialized)
struct RunConfirmTests {
    static let environment = ["CONTAINERBENCH_LOCK": "/tmp/cli.lock"]

    /// A fixture copy and two suites for service `fixture-cli` (uv only) on `port`: `normal.yaml` and
    /// `slow.yaml` (the same with FIXTURE_SLEEP_BEFORE_LISTEN=1.5). Between two runs on a busy shared machine the
    /// startup medians move by a few hundred ms, so the effect is made large enough to be found every time.
    static func suites(_ directory: TemporaryDirectory, port: Int) throws {
        let source = Binary.packageRoot.appendingPathComponent("benchmarks/fixture")
        try FileManager.default.copyItem(at: source, to: directory.url.appendingPathComponent("fixture"))
        let uv = try String(contentsOf: source.appendingPathComponent("Dockerfile.uv"), encoding: .utf8)
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        try directory.write("fixture/Dockerfile.uv", uv)
        for (name, extra) in [("normal", ""), ("slow", ", FIXTURE_SLEEP_BEFORE_LISTEN: \"1.5\"")] {
            try directory.write(
                "\(name).yaml",
                """
                version: 1
                base_images:
                  python:3.12-slim-bookworm: containerbench/python:3.11-bookworm
                  ghcr.io/astral-sh/uv:0.13.9: containerbench/uv:0.13.9
                services:
                  - name: fixture-cli
                    context: fixture
                    port: \(port)
                    health: {path: /health, status: 200}
                    drivers:
                      uv: {dockerfile: Dockerfile.uv}
                    trials: 6
                    ready_timeout: 30
                    memory_window: 0.3
                    environment: {FIXTURE_PORT: "\(port)"\(extra)}

                """)
        }
    }

    @Test func confirmKeepsARegressionThatRepeats() async throws {
        let directory = try TemporaryDirectory("cb-confirm")
        defer { directory.remove() }
        try Self.suites(directory, port: 18_160)
        let common = [
            "--history", directory.path + "/h.sqlite", "--results-dir", directory.path + "/runs", "--targets", "none",
            "--no-floor",
        ]
        let first = try await Binary.run(
            ["run", "--suite", directory.path + "/normal.yaml", "--baseline", "none"] + common,
            environment: Self.environment)
        #expect(first.exitCode == 0, "\(first.output)\n\(first.error)")

        let second = try await Binary.run(
            ["run", "--suite", directory.path + "/slow.yaml", "--baseline", "last", "--confirm"] + common,
            environment: Self.environment)
        _ = try? await ProcessRunner.run("/usr/bin/docker", ["rmi", "containerbench/fixture-cli:uv"])
        var diagnosis = ""
        if second.exitCode != ExitStatus.regression.rawValue {
            let history = directory.path + "/h.sqlite"
            let listing = try await Binary.run(["history", "--history", history])
            let report = try await Binary.run(["report", "--run", "latest", "--format", "json", "--history", history])
            diagnosis = listing.output + report.output
        }
        #expect(second.exitCode == ExitStatus.regression.rawValue, "\(second.output)\n\(second.error)\n\(diagnosis)")
        #expect(second.output.contains("confirming the regression of fixture-cli/uv"), "\(second.output)")

        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let runs = try store.runs()
        #expect(runs.count == 3, "the first run, the judged run and its confirmation run")
        let judged = try #require(runs.dropFirst().first)
        let record = try #require(try store.run(id: judged.id))
        let confirmed = record.warnings.filter { $0.contains("regression of fixture-cli/uv startup_seconds confirmed") }
        #expect(confirmed.count == 1, "\(record.warnings)")
        let evaluation = try #require(try store.evaluation(runID: judged.id))
        #expect(evaluation.regressions.contains { $0.metric == .startupSeconds && $0.change == .regression })
    }

    @Test func abOfOneDockerfileAtTwoRefsBuildsEachRefsTree() async throws {
        let directory = try TemporaryDirectory("cb-abref")
        defer { directory.remove() }
        let port = 18_161
        let result = try await Binary.run(
            [
                "ab", "--dockerfile", "benchmarks/fixture/Dockerfile.uv", "--ref", "HEAD", "--ref", "HEAD",
                "--port", "\(port)", "--env", "FIXTURE_PORT=\(port)", "--trials", "3", "--memory-window", "0.2",
                "--name", "ab-cli-ref", "--history", directory.path + "/h.sqlite",
            ], environment: Self.environment)
        for driver in ["a", "b"] {
            _ = try? await ProcessRunner.run("/usr/bin/docker", ["rmi", "containerbench/ab-cli-ref:\(driver)"])
        }
        // The same tree twice: no regression, and both sides name the ref and the commit it resolved to.
        #expect(result.exitCode == 0, "\(result.output)\n\(result.error)")
        let sources = result.output.split(separator: "\n").filter {
            $0.contains("benchmarks/fixture/Dockerfile.uv@HEAD (")
        }
        #expect(sources.count == 2, "\(result.output)")
        #expect(result.output.contains("startup_seconds"))
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let run = try #require(try store.latestRun(status: nil, label: "ab"))
        #expect(run.status == .completed, "\(run.errors)")
        #expect(run.trials.filter(\.succeeded).count == 6)
    }
}
