import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The shared history through the built binary: bad locations and servers, the environment variable, many
/// runners writing at once, and copies between a file and the database.
@Suite("history in PostgreSQL (built binary)", .serialized)
struct HistoryPostgreSQLTests {
    static let password = "containerbench-test"

    /// A URL like the test server's with its password, port or database replaced.
    static func variant(_ url: String, password: String? = nil, port: Int? = nil) -> String {
        var text = url
        if let password { text = text.replacingOccurrences(of: ":\(Self.password)@", with: ":\(password)@") }
        if let port { text = text.replacingOccurrences(of: #":\d+/"#, with: ":\(port)/", options: .regularExpression) }
        return text
    }

    @Test func badLocationsAndServersExitFourNamingTheURLWithoutItsPassword() async throws {
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        let wrongPassword = Self.variant(history.location, password: "not-the-password")
        let cases: [(location: String, mention: String)] = [
            ("postgresql://nobody@/nowhere", "is not valid"),
            ("mysql://user:secret@127.0.0.1/db", "only postgresql://"),
            (Self.variant(history.location, port: 1), "cannot connect"),
            (wrongPassword, "refused the login"),
            (history.location.replacingOccurrences(of: "/containerbench_test", with: "/no_such_db"), "does not exist"),
        ]
        for (location, mention) in cases {
            for arguments in [
                ["history"], ["baseline", "list"],
                ["history", "copy", "--from", location, "--to", history.directory.path + "/x.sqlite"],
            ] {
                let withHistory = arguments.contains("copy") ? arguments : arguments + ["--history", location]
                let result = try await Binary.run(withHistory)
                #expect(result.exitCode == ExitStatus.infrastructureError.rawValue, "\(location): \(result.error)")
                #expect(result.error.contains(mention), "\(location): \(result.error)")
                for secret in [Self.password, "not-the-password", "secret"] {
                    #expect(!result.error.contains(secret) && !result.output.contains(secret), "\(result.error)")
                }
                #expect(result.error.contains("***") || !location.contains(":secret@"), "\(result.error)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: history.directory.path + "/x.sqlite"), "nothing written")
        // The environment variable stands in for --history (a CI secret), and is redacted the same way.
        let fromEnvironment = try await Binary.run(
            ["history"], environment: [HistoryLocation.environmentVariable: wrongPassword])
        #expect(fromEnvironment.exitCode == 4)
        #expect(fromEnvironment.error.contains("postgresql://containerbench:***@"), "\(fromEnvironment.error)")
    }

    @Test func olderSchemasMigrateAndNewerOnesAreRefusedWithNothingWritten() async throws {
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        _ = try history.open(migratingUpTo: "v2")
        let older = try await Binary.run(["history", "--history", history.location])
        #expect(older.exitCode == 0, "\(older.error)")
        let store = try history.open()
        #expect(try (store as? PostgreSQLHistoryStore)?.appliedSchemaVersions() == ["v1", "v2", "v3", "v4", "v5"])
        try history.executeRaw("INSERT INTO containerbench_migrations VALUES ('v9-from-the-future', 0)")
        let newer = try await Binary.run(["baseline", "save", "x", "--history", history.location])
        #expect(newer.exitCode == 4)
        #expect(newer.error.contains("newer containerbench") && newer.error.contains("v9-from-the-future"))
        #expect(newer.error.contains(history.redacted) && !newer.error.contains(Self.password), "\(newer.error)")
        try history.executeRaw("DELETE FROM containerbench_migrations WHERE identifier = 'v9-from-the-future'")
        #expect(try history.open().baselines().isEmpty, "nothing was written")
    }

    /// 50 runners save a run each at once (plus two that save a run another one also saves); a reader meanwhile
    /// sees only whole runs. Afterwards every run is there once, with every row.
    @Test func fiftyConcurrentSavesLoseNothingDuplicateNothingAndReadersSeeWholeRuns() async throws {
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        let target = try history.open()
        let template = HistorySynthesizer.defaultSuiteRun()
        let synthesizer = HistorySynthesizer(
            template: template, evaluation: HistorySynthesizer.defaultEvaluation(for: template), fullTimelines: 50)
        var sources: [String] = []
        var expected: [String: [String: Int]] = [:]
        for index in 0..<50 {
            let path = history.directory.path + "/runner-\(index).sqlite"
            let store = try SQLiteHistoryStore(path: path)
            try synthesizer.fill(store, count: 1, end: Date(timeIntervalSince1970: 1_780_000_000 + Double(index) * 60))
            let id = try #require(try store.runIDs().first)
            expected[id] = try store.rowCounts(runID: id)
            sources.append(path)
        }
        #expect(expected.count == 50)
        let runners = sources + [sources[0], sources[1]]
        let whole = expected
        let reader = Task.detached { () throws -> [String] in
            var problems: [String] = []
            for _ in 0..<40 {
                for id in try target.runIDs() {
                    let counts = try target.rowCounts(runID: id)
                    if counts != whole[id] { problems.append("\(id): \(counts)") }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            return problems
        }
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for source in runners {
                group.addTask {
                    try await Binary.run(["history", "copy", "--from", source, "--to", history.location, "--quiet"])
                }
            }
            var results: [ProcessResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        for result in results { #expect(result.exitCode == 0, "\(result.error)") }
        #expect(try await reader.value.isEmpty, "a reader saw part of a run")
        let ids = try target.runIDs()
        #expect(ids.count == 50 && Set(ids) == Set(expected.keys), "\(ids.count) runs")
        for (id, counts) in expected { #expect(try target.rowCounts(runID: id) == counts, "\(id)") }
        #expect(try target.runs(filter: RunFilter(limit: 1)).first?.trialCount == 40)
    }

    @Test func copyToTheSharedHistoryAndBackIsIdempotent() async throws {
        // Five earlier nightlies give the regression gate a run-to-run noise estimate (compare below).
        let file = try HistoryFile(.sqlite, nightlies: 5)
        defer { file.remove() }
        let shared = try TestHistory(.postgresql)
        defer { shared.remove() }
        _ = try await file.run(["baseline", "save", "nightly"])
        _ = try await file.run([
            "acknowledge", "--service", "web", "--driver", "uv", "--metric", "startup_seconds", "--run", file.slow.id,
            "--note", "bigger framework",
        ])
        let up = try await Binary.run(["history", "copy", "--from", file.path, "--to", shared.location])
        #expect(up.exitCode == 0, "\(up.error)")
        #expect(up.output.contains("copied 9 run(s)") && up.output.contains("1 copied"), "\(up.output)")
        #expect(!up.output.contains(Self.password), "\(up.output)")
        let again = try await Binary.run(["history", "copy", "--from", file.path, "--to", shared.location])
        #expect(again.output.contains("copied 0 run(s)") && again.output.contains("nothing to copy"), "\(again.output)")
        let back = shared.directory.path + "/offline.sqlite"
        let down = try await Binary.run(["history", "copy", "--from", shared.location, "--to", back])
        #expect(down.exitCode == 0, "\(down.error)")
        let original = try file.open()
        let copied = try SQLiteHistoryStore(path: back)
        #expect(try copied.tableCounts() == original.tableCounts())
        let compare = try await Binary.run(["compare", file.base.id, file.slow.id, "--history", back])
        #expect(compare.output.contains("regression (acknowledged)"), "\(compare.output)")
    }

    @Test func gcPrunesTheSharedHistory() async throws {
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        let store = try history.open()
        let template = HistorySynthesizer.defaultSuiteRun()
        try HistorySynthesizer(template: template, evaluation: nil, fullTimelines: 3).fill(
            try #require(store as? PostgreSQLHistoryStore), count: 3)
        let result = try await Binary.run([
            "gc", "--prune-history", "--keep-timelines", "1", "--history", history.location,
        ])
        #expect(result.exitCode == 0, "\(result.error)")
        #expect(result.output.contains("thinned 80"), "\(result.output)")
        #expect(!result.output.contains(Self.password))
    }
}
