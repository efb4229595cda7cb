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

        // The same fixture against an impossible startup budget: exit 1, and the run is still stored.
        let targets = try directory.write(
            "targets.yaml", "version: 1\nbudgets:\n  - {id: instant, metric: startup_seconds, statistic: p95, max: 1ms}\n")
        let breach = try await Binary.run(common + ["--targets", targets, "--scenarios", "warm"], environment: environment)
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
