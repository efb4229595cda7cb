import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `doctor` and `run` through the built binary against the real engine: the documented exit codes and files.
@Suite("run and doctor (binary, engine)", .serialized)
struct RunCommandTests {
    @Test func doctorPassesOnAPreparedMachine() async throws {
        _ = try await EngineRequirement.engine()
        let result = try await Binary.run(["doctor"])
        #expect(result.exitCode == 0, "\(result.output)\(result.error)")
        for check in ["engine:", "cgroup:", "BuildKit client:", "gnuplot:", "history:", "base image python"] {
            #expect(result.output.contains("ok   \(check)"), "missing '\(check)' in:\n\(result.output)")
        }
    }

    /// Opens a report in headless Chromium (no network: every host name fails to resolve): it must load with no
    /// console error and produce a screenshot. `make test` installs Debian's chromium.
    static func openInChromium(_ html: String, screenshot: String) async throws {
        let chromium = try #require(
            ProcessRunner.which("chromium"), "chromium is not installed (make test installs it)")
        let result = try await ProcessRunner.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,2400", "--screenshot=\(screenshot)",
                "file://\(html)",
            ])
        #expect(result.exitCode == 0, "\(result.error)")
        let consoleErrors = result.error.split(separator: "\n").filter {
            $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("net::ERR")
        }
        #expect(consoleErrors.isEmpty, "console errors: \(consoleErrors)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(
            png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 50_000, "a real screenshot, \(png.count) bytes")
    }

    @Test func doctorFailsWithoutAnEngine() async throws {
        let result = try await Binary.run(["doctor"], environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        #expect(result.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(result.output.contains("FAIL engine"))
    }

    @Test func runOnTheFixtureExitsWithTheVerdict() async throws {
        _ = try await EngineRequirement.engine()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.path + "/history.sqlite"
        let environment = ["CONTAINERBENCH_LOCK": directory.path + "/lock"]
        let common = [
            "run", "--service", "fixture", "--trials", "2", "--no-floor", "--history", history, "--results-dir",
            directory.path + "/runs", "--baseline", "none",
        ]
        let pass = try await Binary.run(
            common + ["--junit", directory.path + "/junit.xml", "--markdown", directory.path + "/summary.md"],
            environment: environment)
        #expect(pass.exitCode == 0, "\(pass.output)\n\(pass.error)")
        #expect(pass.output.contains("verdict: pass (exit 0)"))
        let junit = try String(contentsOfFile: directory.path + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("<testsuite") && junit.contains("startup"))
        let summary = try String(contentsOfFile: directory.path + "/summary.md", encoding: .utf8)
        #expect(summary.contains("fixture"))
        let store = try SQLiteHistoryStore(path: history)
        let runs = try store.runs(filter: RunFilter())
        #expect(runs.count == 1)
        let runID = try #require(runs.first?.id)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/runs/\(runID)")
        #expect(files.contains("report.html") && files.contains { $0.hasSuffix(".png") })
        try await Self.openInChromium(
            directory.path + "/runs/\(runID)/report.html", screenshot: directory.path + "/shot.png")

        // The same fixture against an impossible startup budget: exit 1, and the run is still stored.
        let targets = try directory.write(
            "targets.yaml",
            "version: 1\nbudgets:\n  - {id: instant, metric: startup_seconds, statistic: p95, max: 1ms}\n")
        let breach = try await Binary.run(
            common + ["--targets", targets, "--scenarios", "warm"], environment: environment)
        #expect(breach.exitCode == ExitStatus.budgetBreached.rawValue, "\(breach.output)\n\(breach.error)")
        #expect(breach.output.contains("verdict: budget breached (exit 1)"))
        let stored = try store.runs(filter: RunFilter())
        #expect(stored.count == 2)
        let engine = try await EngineRequirement.engine()
        for run in stored {
            let leftovers = try await EngineRequirement.leftovers(engine, runID: run.id)
            #expect(leftovers.isEmpty, "containers of \(run.id) left: \(leftovers)")
        }
    }
}
