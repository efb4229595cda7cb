import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// A history (a file, or a schema of the test PostgreSQL database) filled with runs built here: a baseline, a like
/// run, a slower one and a failed one.
struct HistoryFile {
    let history: TestHistory
    var directory: TemporaryDirectory { history.directory }
    /// What `--history` is given.
    var path: String { history.location }
    /// Oldest to newest: `nightlies` earlier runs like base (within ±1%), base, same (like base), slow (startup
    /// +60%, memory +50%), broken (failed).
    let base: RunRecord
    let same: RunRecord
    let slow: RunRecord
    let broken: RunRecord
    let earlier: [RunRecord]

    /// - Parameters:
    ///   - kind: the store the history is kept in.
    ///   - nightlies: earlier comparable runs, for a run-to-run noise estimate with some degrees of freedom (with
    ///     none, base and same alone give it one).
    init(_ kind: HistoryStoreKind = .sqlite, nightlies: Int = 0) throws {
        history = try TestHistory(kind)
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let quick = [0.50, 0.52, 0.49, 0.51, 0.53, 0.50, 0.48, 0.52]
        earlier = (0..<nightlies).map { night in
            let drift = 1 + 0.01 * sin(Double(night) * 2.1)
            return Self.run(
                String(format: "20260427T000000Z-%08x", night), start - Double(nightlies - night) * 86_400,
                startup: quick.map { $0 * drift }, memory: 60 + Double(night % 2))
        }
        base = Self.run("20260528T000000Z-0000000a", start, startup: quick, memory: 60)
        same = Self.run(
            "20260529T000000Z-0000000b", start + 86_400, startup: quick.map { $0 + 0.001 }, memory: 60)
        slow = Self.run(
            "20260530T000000Z-0000000c", start + 2 * 86_400, startup: quick.map { $0 * 1.6 }, memory: 90,
            label: "pr-7")
        var failed = Self.run("20260531T000000Z-0000000d", start + 3 * 86_400, startup: [0.5], memory: 60)
        failed.status = .failed
        failed.errors = ["build of web/uv failed"]
        broken = failed
        let store = try history.open()
        for run in earlier + [base, same, slow, broken] {
            try store.save(run, evaluation: Evaluation(runID: run.id))
        }
    }

    /// A run of service "web" with drivers uv and pip; pip is 20% slower to start than uv.
    static func run(
        _ id: String, _ date: Date, startup: [Double], memory: Double, label: String? = "nightly"
    ) -> RunRecord {
        var trials: [TrialRecord] = []
        for driver in ["uv", "pip"] {
            let factor = driver == "pip" ? 1.2 : 1.0
            for (index, seconds) in startup.enumerated() {
                let peak = Int64((memory + Double(index % 3)) * 1_000_000)
                trials.append(
                    TrialRecord(
                        service: "web", driver: driver, index: index, succeeded: true,
                        phases: StartupPhases(
                            created: 0.01, started: 0.05, firstTCP: seconds * factor - 0.01,
                            ready: seconds * factor),
                        memory: MemorySummary(
                            peakBytes: peak, workingSetPeakBytes: peak - 5_000_000, rssPeakBytes: peak - 10_000_000,
                            sampleCount: 40, meanIntervalSeconds: 0.025)))
            }
        }
        return RunRecord(
            id: id, startedAt: date, finishedAt: date + 120, status: .completed, label: label, suite: "test suite",
            environment: EnvironmentFingerprint(cpuModel: "test cpu", cpuCores: 2),
            builds: ["uv", "pip"].map {
                BuildRecord(service: "web", driver: $0, scenario: .cold, seconds: $0 == "uv" ? 12 : 30, succeeded: true)
            },
            images: ["uv", "pip"].map {
                ImageRecord(
                    service: "web", driver: $0, imageID: "sha256:\($0)", bytes: $0 == "uv" ? 150_000_000 : 180_000_000)
            },
            trials: trials)
    }

    /// Runs the binary against this history.
    func run(_ arguments: [String]) async throws -> ProcessResult {
        try await Binary.run(arguments + ["--history", path], environment: ["CONTAINERBENCH_LOCK": "/tmp/cli.lock"])
    }

    /// Opens the history in this process.
    func open() throws -> any HistoryStore { try history.open() }

    func remove() { history.remove() }
}

@Suite("history, compare, baseline, acknowledge, report, plot", .serialized)
struct HistoryCommandsTests {
    @Test(arguments: HistoryStoreKind.allCases) func historyListsRunsNewestFirstAndFilters(kind: HistoryStoreKind)
        async throws
    {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let table = try await file.run(["history"])
        #expect(table.exitCode == 0, "\(table.error)")
        let ids = [file.broken.id, file.slow.id, file.same.id, file.base.id]
        let positions = ids.compactMap { table.output.range(of: $0)?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted(), "\(table.output)")
        #expect(table.output.contains("web/uv"))

        let json = try await file.run(["history", "--format", "json", "--status", "completed", "--limit", "2"])
        #expect(json.exitCode == 0, "\(json.error)")
        let document = try JSONReport.decoder().decode(HistoryListing.self, from: Data(json.output.utf8))
        #expect(document.schema == "containerbench.history/v1")
        #expect(document.runs.map(\.id) == [file.slow.id, file.same.id])

        // Filters combine (a status or label together with a driver).
        let combined = try await file.run(["history", "--status", "completed", "--driver", "pip", "--format", "json"])
        let completedPip = try JSONReport.decoder().decode(HistoryListing.self, from: Data(combined.output.utf8))
        #expect(completedPip.runs.map(\.id) == [file.slow.id, file.same.id, file.base.id], "\(combined.output)")

        let labelled = try await file.run(["history", "--label", "pr-7", "--format", "json"])
        let onlySlow = try JSONReport.decoder().decode(HistoryListing.self, from: Data(labelled.output.utf8))
        #expect(onlySlow.runs.map(\.id) == [file.slow.id])

        let since = try await file.run(["history", "--since", "2026-05-30", "--format", "json"])
        let recent = try JSONReport.decoder().decode(HistoryListing.self, from: Data(since.output.utf8))
        #expect(Set(recent.runs.map(\.id)) == [file.slow.id, file.broken.id], "\(since.output)")
    }

    @Test(arguments: HistoryStoreKind.allCases) func historyWithAMetricListsPerRunMedians(kind: HistoryStoreKind)
        async throws
    {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let result = try await file.run(
            ["history", "--metric", "startup_seconds", "--driver", "uv", "--format", "json"])
        #expect(result.exitCode == 0, "\(result.error)")
        let document = try JSONReport.decoder().decode(HistoryListing.self, from: Data(result.output.utf8))
        #expect(document.metric == .startupSeconds, "\(result.output)")
        // Completed runs only, newest first, uv only.
        #expect(document.points.map(\.runID) == [file.slow.id, file.same.id, file.base.id])
        #expect(document.points.allSatisfy { $0.driver == "uv" && $0.n == 8 })
        let slowMedian = try #require(document.points.first?.median)
        #expect(abs(slowMedian - 0.505 * 1.6) < 1e-9)

        let table = try await file.run(["history", "--metric", "memory_peak_bytes"])
        #expect(table.exitCode == 0)
        #expect(table.output.contains("MEDIAN memory_peak_bytes"))
        #expect(table.output.contains("web"), "\(table.output)")
    }

    @Test(arguments: HistoryStoreKind.allCases) func compareFindsTheRegressionAndExitsTwo(kind: HistoryStoreKind)
        async throws
    {
        let file = try HistoryFile(kind, nightlies: 5)
        defer { file.remove() }
        let result = try await file.run(["compare", file.base.id, file.slow.id])
        #expect(result.exitCode == ExitStatus.regression.rawValue, "\(result.output)\(result.error)")
        let startup = result.output.split(separator: "\n").filter {
            $0.hasPrefix("web") && $0.contains(" uv ") && $0.contains("startup_seconds")
        }
        #expect(
            startup.count == 1 && startup[0].contains("regression") && startup[0].contains("1.60×"), "\(result.output)")
        #expect(result.output.contains("verdict: regression (exit 2)"))

        let json = try await file.run(["compare", file.base.id, file.slow.id, "--format", "json"])
        #expect(json.exitCode == 2)
        let report = try JSONReport.decoder().decode(ComparisonReport.self, from: Data(json.output.utf8))
        #expect(report.schema == "containerbench.compare/v2")
        let cell = try #require(report.findings.first { $0.driver == "pip" && $0.metric == .startupSeconds })
        #expect(cell.change == .regression)
        // Stored runs cannot be confirmed by an A/B: compare settles the screen's suspicion by Holm.
        #expect(cell.note?.contains("Holm") == true, "\(cell)")
        #expect(try #require(cell.ratioCILow) > 1.4)
        #expect(try #require(cell.pValue) < 0.01)
        // Image and build sizes did not move.
        #expect(report.findings.first { $0.metric == .imageBytes }?.change == .unchanged)
    }

    /// Two runs and one earlier one cannot tell drift from change: +60% is inconclusive, never unchanged.
    @Test(arguments: HistoryStoreKind.allCases) func compareWithoutARunToRunNoiseEstimateIsInconclusive(
        kind: HistoryStoreKind
    ) async throws {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let result = try await file.run(["compare", file.base.id, file.slow.id, "--format", "json"])
        #expect(result.exitCode == 0, "inconclusive is not a regression: \(result.output)\(result.error)")
        let report = try JSONReport.decoder().decode(ComparisonReport.self, from: Data(result.output.utf8))
        let startup = report.findings.filter { $0.metric == .startupSeconds }
        #expect(startup.count == 2 && startup.allSatisfy { $0.change == .inconclusive }, "\(startup)")
        #expect(startup.allSatisfy { $0.note?.contains("more comparable runs") == true })
        let table = try await file.run(["compare", file.base.id, file.slow.id])
        #expect(table.output.contains("inconclusive"), "\(table.output)")
        let strict = try await file.run(["compare", file.base.id, file.slow.id, "--strict"])
        #expect(strict.exitCode == ExitStatus.inconclusive.rawValue, "\(strict.output)")
        #expect(strict.output.contains("verdict: inconclusive (exit 3)"), "\(strict.output)")
    }

    @Test(arguments: HistoryStoreKind.allCases) func compareOfLikeRunsPassesAndAnImprovementIsNoRegression(
        kind: HistoryStoreKind
    ) async throws {
        let file = try HistoryFile(kind, nightlies: 5)
        defer { file.remove() }
        let like = try await file.run(["compare", file.base.id, file.same.id])
        #expect(like.exitCode == 0, "\(like.output)")
        #expect(!like.output.contains(" regression"), "\(like.output)")
        let better = try await file.run(["compare", file.slow.id, file.base.id])
        #expect(better.exitCode == 0)
        #expect(better.output.contains("improvement"))
    }

    @Test(arguments: HistoryStoreKind.allCases) func unknownRunsAreInfrastructureErrorsNamingTheRun(
        kind: HistoryStoreKind
    ) async throws {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let compare = try await file.run(["compare", file.base.id, "20990101T000000Z-deadbeef"])
        #expect(compare.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(compare.error.contains("has no run 20990101T000000Z-deadbeef"), "\(compare.error)")
        #expect(compare.error.contains("containerbench history"))
        let report = try await file.run(["report", "--run", "nope", "--format", "text"])
        #expect(report.exitCode == 4)
        #expect(report.error.contains("no run nope"))
        let acknowledge = try await file.run(
            [
                "acknowledge", "--service", "web", "--driver", "uv", "--metric", "startup_seconds", "--run", "nope",
                "--note", "x",
            ])
        #expect(acknowledge.exitCode == 4, "\(acknowledge.error)")
        let missingHistory = try await Binary.run(["history", "--history", file.directory.path + "/none.sqlite"])
        #expect(missingHistory.exitCode == 4)
        #expect(missingHistory.error.contains("no history at"))
        #expect(!FileManager.default.fileExists(atPath: file.directory.path + "/none.sqlite"))
    }

    @Test(arguments: [
        ["history", "--metric", "startup_time"],
        ["history", "--limit", "0"],
        ["history", "--since", "yesterday"],
        ["history", "--status", "done"],
        ["history", "--format", "xml"],
        ["compare", "only-one"],
        ["report", "--format", "pdf"],
        ["report", "--format", "md", "--service", "web"],
        ["baseline", "save", "Bad Name"],
        ["acknowledge", "--service", "web"],
        ["plot", "--metric", "nope"],
        ["ab", "--dockerfile", "x", "--port", "18100"],
        ["ab", "--dockerfile", "a", "--dockerfile", "b", "--port", "0"],
        ["run", "--confirm", "--trials", "0"],
    ])
    func badFlagsAreUsageErrors(arguments: [String]) async throws {
        let result = try await Binary.run(arguments, environment: ["CONTAINERBENCH_LOCK": "/tmp/cli.lock"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(arguments): \(result.error)")
        #expect(!result.error.isEmpty)
    }

    @Test(arguments: HistoryStoreKind.allCases) func baselineLifecycle(kind: HistoryStoreKind) async throws {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let saved = try await file.run(["baseline", "save", "nightly", "--description", "before the upgrade"])
        #expect(saved.exitCode == 0, "\(saved.error)")
        // Default: the latest completed run (the failed one is newer but not a baseline).
        #expect(saved.output.contains(file.slow.id), "\(saved.output)")
        let two = try await file.run(["baseline", "save", "pair", "--run", file.base.id, "--run", file.same.id])
        #expect(two.exitCode == 0)

        let list = try await file.run(["baseline", "list"])
        #expect(list.exitCode == 0)
        #expect(list.output.contains("nightly") && list.output.contains("before the upgrade"))
        #expect(list.output.contains("pair"))

        let exported = file.directory.path + "/out/pair.json"
        let export = try await file.run(["baseline", "export", "pair", "--output", exported])
        #expect(export.exitCode == 0, "\(export.error)")
        let exportedFile = try JSONDecoder.baseline.decode(
            BaselineFile.self, from: Data(contentsOf: URL(fileURLWithPath: exported)))
        #expect(exportedFile.format == "containerbench-baseline")
        #expect(Set(exportedFile.baseline.runIDs) == [file.base.id, file.same.id])

        let duplicate = try await file.run(["baseline", "import", exported])
        #expect(duplicate.exitCode == 4)
        #expect(duplicate.error.contains("already has a baseline named pair"), "\(duplicate.error)")
        let replaced = try await file.run(["baseline", "import", exported, "--replace"])
        #expect(replaced.exitCode == 0, "\(replaced.error)")

        let deleted = try await file.run(["baseline", "delete", "pair"])
        #expect(deleted.exitCode == 0)
        let again = try await file.run(["baseline", "delete", "pair"])
        #expect(again.exitCode == 4)
        #expect(again.error.contains("no baseline named pair"))
        let reimported = try await file.run(["baseline", "import", exported])
        #expect(reimported.exitCode == 0)

        // A run judged against the named baseline through the library the run command uses.
        let store = try file.open()
        let evaluation = try RunAnalysis().evaluate(
            file.slow, targets: nil, policy: [], store: store, baseline: .named("pair"))
        #expect(evaluation.regressions.contains { $0.metric == .startupSeconds && $0.change == .regression })

        let garbage = try file.directory.write("garbage.json", "{\"format\": \"something else\"}")
        let bad = try await file.run(["baseline", "import", garbage])
        #expect(bad.exitCode == 4)
        #expect(bad.error.contains(garbage))
        let noRun = try await file.run(["baseline", "save", "x", "--run", "nope"])
        #expect(noRun.exitCode == 4)
    }

    @Test(arguments: HistoryStoreKind.allCases) func acknowledgedRegressionIsReportedWithoutFailing(
        kind: HistoryStoreKind
    ) async throws {
        let file = try HistoryFile(kind, nightlies: 5)
        defer { file.remove() }
        for driver in ["uv", "pip"] {
            for metric in ["startup_seconds", "memory_peak_bytes", "memory_working_set_bytes"] {
                let result = try await file.run(
                    [
                        "acknowledge", "--service", "web", "--driver", driver, "--metric", metric, "--run",
                        file.slow.id,
                        "--note", "moved to a bigger framework",
                    ])
                #expect(result.exitCode == 0, "\(result.error)")
            }
        }
        let compare = try await file.run(["compare", file.base.id, file.slow.id])
        #expect(compare.exitCode == 0, "\(compare.output)")
        #expect(compare.output.contains("regression (acknowledged)"))
    }

    @Test(arguments: HistoryStoreKind.allCases) func reportRendersEveryFormatWithPlots(kind: HistoryStoreKind)
        async throws
    {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let folder = file.directory.path + "/report"
        let markdown = try await file.run(
            ["report", "--run", file.slow.id, "--format", "md", "--output", folder + "/report.md"])
        #expect(markdown.exitCode == 0, "\(markdown.error)")
        let text = try String(contentsOfFile: folder + "/report.md", encoding: .utf8)
        #expect(text.contains(file.slow.id))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        let trend = files.filter { $0.hasPrefix("trend-web-uv-startup_seconds") && $0.hasSuffix(".png") }
        #expect(trend.count == 1, "\(files)")
        #expect(text.contains("trend-web-uv-startup_seconds"), "the report links its plots")
        let png = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + trend[0]))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        let json = try await file.run(["report", "--run", "latest", "--format", "json"])
        #expect(json.exitCode == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(object?["schema"] as? String == "containerbench.report/v2")
        #expect(json.output.contains(file.broken.id), "latest is the newest run of any status")

        let junit = try await file.run(["report", "--run", file.base.id, "--format", "junit"])
        #expect(junit.exitCode == 0)
        #expect(junit.output.contains("<testsuites"))
        let html = try await file.run(
            ["report", "--run", file.base.id, "--format", "html", "--output", folder + "/index.html"])
        #expect(html.exitCode == 0)
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page.contains("data:image/"), "html inlines its plots")
    }

    @Test func cycloneDXNeedsOneImageAndAnInventory() async throws {
        let file = try HistoryFile()
        defer { file.remove() }
        let ambiguous = try await file.run(["report", "--run", file.slow.id, "--format", "cyclonedx"])
        #expect(ambiguous.exitCode == ExitStatus.usageError.rawValue, "\(ambiguous.error)")
        #expect(ambiguous.error.contains("web/uv, web/pip") && ambiguous.error.contains("--service and --driver"))
        let unknown = try await file.run(["report", "--run", file.slow.id, "--format", "cyclonedx", "--service", "api"])
        #expect(unknown.exitCode == ExitStatus.usageError.rawValue)
        #expect(unknown.error.contains("has no image api"))
        // Stored without an inventory, and its image (sha256:uv) exists nowhere: nothing to write, and it says how.
        let gone = try await file.run(
            ["report", "--run", file.slow.id, "--format", "cyclonedx", "--service", "web", "--driver", "uv"])
        #expect(gone.exitCode == ExitStatus.infrastructureError.rawValue, "\(gone.error)")
        #expect(gone.error.contains("stored no inventory of web/uv"), "\(gone.error)")
        #expect(gone.output.isEmpty)
    }

    @Test(arguments: HistoryStoreKind.allCases) func plotWritesTrendChartsAndSaysWhat(kind: HistoryStoreKind)
        async throws
    {
        let file = try HistoryFile(kind)
        defer { file.remove() }
        let folder = file.directory.path + "/plots"
        let result = try await file.run(
            ["plot", "--service", "web", "--metric", "startup_seconds", "--metric", "image_bytes", "--output", folder])
        #expect(result.exitCode == 0, "\(result.error)")
        for driver in ["uv", "pip"] {
            for metric in ["startup_seconds", "image_bytes"] {
                let png = "\(folder)/trend-web-\(driver)-\(metric).png"
                #expect(FileManager.default.fileExists(atPath: png), "\(png)")
                #expect(result.output.contains(png))
            }
        }
        #expect(result.output.contains("wrote 4 chart(s)"))
        let nothing = try await file.run(["plot", "--service", "nosuch", "--output", folder])
        #expect(nothing.exitCode == 4)
        #expect(nothing.error.contains("nothing to plot"))
        let future = try await file.run(["plot", "--since", "2099-01-01", "--output", folder])
        #expect(future.exitCode == 4)
    }

    @Test func abRejectsAnUnknownGitRefBeforeTouchingTheEngine() async throws {
        let result = try await Binary.run(
            [
                "ab", "--dockerfile", "benchmarks/fixture/Dockerfile.uv", "--ref", "no-such-ref-xyz", "--ref", "HEAD",
                "--port", "18199", "--history", "/tmp/cli-never-written.sqlite",
            ],
            environment: ["CONTAINERBENCH_LOCK": "/tmp/cli.lock"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(result.error)")
        #expect(result.error.contains("git ref 'no-such-ref-xyz' does not name a commit"), "\(result.error)")
    }

    @Test func runHelpDocumentsConfirm() async throws {
        let help = try await Binary.run(["run", "--help"])
        #expect(help.output.contains("--confirm/--no-confirm"))
        #expect(help.output.contains("confirmed in the same sitting"), "\(help.output)")
    }
}

extension JSONDecoder {
    /// Decodes baseline files (ISO 8601 dates with milliseconds).
    static var baseline: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
        }
        return decoder
    }
}
