import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `run --confirm` and `ab --ref` through the built binary against the real engine, with the fixture on this
/// suite's ports (FIXTURE_PORT). Fails, never skips, when no engine answers.
@Suite("run --confirm and ab --ref (real engine)", .serialized)
struct RunConfirmTests {
    static let environment = ["CONTAINERBENCH_LOCK": "/tmp/cli.lock"]

    /// A fixture copy and three suites for service `fixture-cli` (uv only) on `port`: `normal.yaml`; `slow-image.yaml`,
    /// whose image sets FIXTURE_SLEEP_BEFORE_LISTEN=1.5 (a change in the image); `slow-settings.yaml`, the normal
    /// image with that variable set by the suite (a change in the trial settings). Between two runs on a busy shared
    /// machine the startup medians move by a few hundred ms, so the effect is made large enough to be found every
    /// time.
    static func suites(_ directory: TemporaryDirectory, port: Int) throws {
        let source = Binary.packageRoot.appendingPathComponent("benchmarks/fixture")
        try FileManager.default.copyItem(at: source, to: directory.url.appendingPathComponent("fixture"))
        let uv = try String(contentsOf: source.appendingPathComponent("Dockerfile.uv"), encoding: .utf8)
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        try directory.write("fixture/Dockerfile.uv", uv)
        try directory.write("fixture/Dockerfile.slow", uv + "\nENV FIXTURE_SLEEP_BEFORE_LISTEN=1.5\n")
        let variants = [
            ("normal", "Dockerfile.uv", ""), ("slow-image", "Dockerfile.slow", ""),
            ("slow-settings", "Dockerfile.uv", ", FIXTURE_SLEEP_BEFORE_LISTEN: \"1.5\""),
        ]
        for (name, dockerfile, extra) in variants {
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
                      uv: {dockerfile: \(dockerfile)}
                    trials: 6
                    ready_timeout: 30
                    memory_window: 0.3
                    environment: {FIXTURE_PORT: "\(port)"\(extra)}

                """)
        }
    }

    /// A regression built into the image is confirmed by the same-sitting A/B of the baseline's kept image against
    /// the new one (exit 2). The same slowdown made by the suite's settings, with an unchanged image, is one an A/B of
    /// images cannot see (it runs both under today's settings): it is settled without one, and never dropped as
    /// unchanged.
    @Test func confirmKeepsARegressionThatRepeats() async throws {
        let directory = try TemporaryDirectory("cb-confirm")
        defer { directory.remove() }
        try Self.suites(directory, port: 18_160)
        defer {
            Task { _ = try? await ProcessRunner.run("/usr/bin/docker", ["rmi", "containerbench/fixture-cli:uv"]) }
        }
        let history = directory.path + "/h.sqlite"
        let common = [
            "--history", history, "--results-dir", directory.path + "/runs", "--targets", "none", "--no-floor",
        ]
        let first = try await Binary.run(
            ["run", "--suite", directory.path + "/normal.yaml", "--baseline", "none"] + common,
            environment: Self.environment)
        #expect(first.exitCode == 0, "\(first.output)\n\(first.error)")
        let firstID = try #require(try SQLiteHistoryStore(path: history).runs().first?.id)
        // A second history holding only the first run, for the settings case below (with the slow-image run in its
        // history, the run-to-run spread it shows would leave nothing suspected).
        let settingsHistory = directory.path + "/settings.sqlite"
        try FileManager.default.copyItem(atPath: history, toPath: settingsHistory)
        let store = try SQLiteHistoryStore(path: history)

        let second = try await Binary.run(
            ["run", "--suite", directory.path + "/slow-image.yaml", "--baseline", "run:\(firstID)", "--confirm"]
                + common,
            environment: Self.environment)
        #expect(second.exitCode == ExitStatus.regression.rawValue, "\(second.output)\n\(second.error)")
        #expect(second.output.contains("confirming fixture-cli/uv startup_seconds"), "\(second.output)")
        let runs = try store.runs()
        #expect(runs.count == 2, "the first run and the judged one: a confirmation is not a run of its own")
        let judged = try #require(runs.first { $0.id != firstID })
        let record = try #require(try store.run(id: judged.id))
        let confirmed = record.warnings.filter {
            $0.contains("fixture-cli/uv startup_seconds") && $0.contains("confirmed by a same-sitting A/B")
        }
        #expect(confirmed.count == 1, "\(record.warnings)")
        let evaluation = try #require(try store.evaluation(runID: judged.id))
        let startup = try #require(evaluation.regressions.first { $0.metric == .startupSeconds })
        #expect(startup.change == .regression && startup.confirmation?.verdict == .confirmed, "\(startup)")
        #expect(record.environment.trialSettings?["fixture-cli"]?.hasPrefix("fnv1a64:") == true)

        let third = try await Binary.run(
            ["run", "--suite", directory.path + "/slow-settings.yaml", "--baseline", "run:\(firstID)", "--confirm"]
                + common.map { $0 == history ? settingsHistory : $0 },
            environment: Self.environment)
        #expect(!third.output.contains("A/B baseline 1"), "no A/B is run: \(third.output)")
        let other = try SQLiteHistoryStore(path: settingsHistory)
        let thirdID = try #require(try other.runs().first { $0.id != firstID }?.id)
        let settled = try #require(
            try other.evaluation(runID: thirdID)?.regressions.first { $0.metric == .startupSeconds })
        #expect(settled.change != .unchanged, "a 6x slower startup is never dropped: \(settled)")
        #expect(settled.confirmation == nil, "no A/B was run: \(settled)")
        #expect(settled.note?.contains("other settings") == true, "\(settled)")
        let stored = try #require(try other.run(id: thirdID))
        #expect(stored.environment.trialSettings?["fixture-cli"] != record.environment.trialSettings?["fixture-cli"])
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
