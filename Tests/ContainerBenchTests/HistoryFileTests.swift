import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// What happens to the history file itself: creation, migration, and every way it can refuse to be written.
@Suite("History file handling", .serialized)
struct HistoryFileTests {
    @Test("the default path is results/history.sqlite and missing folders are created")
    func createsFolders() throws {
        #expect(SQLiteHistoryStore.defaultPath == "results/history.sqlite")
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("results/nested/history.sqlite").path
        let store = try SQLiteHistoryStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.appliedSchemaVersions() == ["v1", "v2", "v3", "v4", "v5"])
    }

    @Test("a schema v1 file migrates in place and its runs, evaluation and baseline load")
    func migratesVersion1() throws {
        let fixture = try #require(
            Bundle.module.url(forResource: "history-v1", withExtension: "sqlite", subdirectory: "Fixtures"))
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("history.sqlite").path
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)

        let old = try SQLiteHistoryStore(path: path, migratingUpTo: "v1")
        #expect(try old.appliedSchemaVersions() == ["v1"])

        let store = try SQLiteHistoryStore(path: path)
        #expect(try store.appliedSchemaVersions() == ["v1", "v2", "v3", "v4", "v5"])
        #expect(try store.run(id: HistoryFixtures.v1RunID) == HistoryFixtures.v1Run)
        let evaluation = try #require(try store.evaluation(runID: HistoryFixtures.v1RunID))
        #expect(evaluation.budgets == HistoryFixtures.evaluation(runID: HistoryFixtures.v1RunID).budgets)
        #expect(try store.baseline(named: "v1")?.runIDs == [HistoryFixtures.v1RunID])
        // v2's table works on the migrated file, and new runs go next to the old ones.
        try store.acknowledge(
            service: "fastapi", driver: "uv", metric: .startupSeconds, fromRun: HistoryFixtures.v1RunID, note: "ok")
        #expect(try store.annotations().count == 1)
        try store.save(HistoryFixtures.richRun(), evaluation: nil)
        #expect(try store.runs(filter: RunFilter()).count == 2)
    }

    @Test(
        "a history migrated by a newer binary is refused with newerSchema naming it",
        arguments: HistoryStoreKind.allCases)
    func newerSchema(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let values = kind == .sqlite ? "('v9-from-the-future')" : "('v9-from-the-future', 0)"
        _ = try history.open()
        try history.executeRaw("INSERT INTO \(history.migrationsTable) VALUES \(values)")
        let error = try #require(throws: HistoryError.self) { try history.open() }
        #expect(error.code == .newerSchema)
        #expect(error.description.contains(history.redacted))
        #expect(error.description.contains("v9-from-the-future"))
        #expect(!error.description.contains("containerbench-test"), "no password in \(error)")
        try? history.executeRaw("DELETE FROM \(history.migrationsTable) WHERE identifier = 'v9-from-the-future'")
    }

    @Test(
        "a history at an older schema version migrates in place, on both stores", arguments: HistoryStoreKind.allCases)
    func migratesOlderVersion(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        // A v3 history with a run in it, written with v3's tables (one row per memory sample).
        _ = try history.open(migratingUpTo: "v3")
        let run = HistoryFixtures.v1Run
        try history.executeRaw(HistoryFixtures.version3Inserts(run))
        let store = try history.open()
        #expect(try HistoryFixtures.appliedVersions(store) == ["v1", "v2", "v3", "v4", "v5"])
        let loaded = try #require(try store.run(id: run.id))
        #expect(loaded.trials.map(\.samples) == run.trials.map(\.samples))
        #expect(loaded.trials.map(\.phases) == run.trials.map(\.phases))
        let row = try #require(try store.runs(filter: RunFilter()).first)
        #expect(row.trialCount == run.trials.count && row.failedTrialCount == 1 && row.pairs.count == 2)
        #expect(try store.series(service: "fastapi", driver: "uv", metric: .startupSeconds).first?.median == 1.375)
        #expect(try store.measuredPairs(since: nil).count == 2)
    }

    @Test("a file that is not SQLite is refused with notADatabase and left as it was")
    func notADatabase() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("h.sqlite").path
        let content = Data("runs:\n  - not a database\n".utf8)
        try content.write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
        #expect(error.code == .notADatabase)
        #expect(error.description.contains(path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.sqlite"])
    }

    @Test("a read-only history file is refused with readOnly naming it, and nothing is written")
    func readOnlyFile() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("h.sqlite").path
        do {
            try SQLiteHistoryStore(path: path).save(HistoryFixtures.richRun(), evaluation: nil)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let error = try #require(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
        #expect(error.code == .readOnly)
        #expect(error.description.contains(path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["h.sqlite"])
    }

    @Test("a read-only folder is refused with readOnly naming the file and folder, and no file is created")
    func readOnlyDirectory() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try? FileManager.default.removeItem(at: directory)
        }
        let path = directory.appendingPathComponent("h.sqlite").path
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        let error = try #require(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
        #expect(error.code == .readOnly)
        #expect(error.description.contains(path))
        #expect(error.description.contains(directory.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a folder where the history's folder should be is refused with cannotCreateDirectory")
    func parentIsAFile() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("results")
        try Data("x".utf8).write(to: blocker)
        let path = blocker.appendingPathComponent("history.sqlite").path
        let error = try #require(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
        #expect(error.code == .cannotCreateDirectory)
        #expect(error.description.contains(path))
    }

    @Test("a full disk fails the save with diskFull and stores nothing of the run")
    func diskFull() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteHistoryStore(path: directory.appendingPathComponent("h.sqlite").path)
        try store.save(HistoryFixtures.minimalRun(), evaluation: nil)
        // SQLite's own size limit raises the same SQLITE_FULL a full disk does.
        let pages = try #require(try store.pageCount())
        var big = HistoryFixtures.richRun()
        // Timelines are packed and compressed: noise is what takes room.
        var generator = SeededGenerator(seed: 7)
        big.trials[0].samples = (0..<20_000).map {
            MemorySample(
                t: Double($0) / 20 + generator.nextUnit() / 100, usageBytes: Int64(generator.next() >> 20),
                workingSetBytes: Int64(generator.next() >> 20), rssBytes: Int64(generator.next() >> 20),
                cacheBytes: Int64(generator.next() >> 20))
        }
        let error = try #require(throws: HistoryError.self) {
            try store.save(big, evaluation: nil, maximumPageCount: pages + 2)
        }
        #expect(error.code == .diskFull)
        #expect(error.description.contains(store.location))
        #expect(try store.rowCounts(runID: big.id).values.allSatisfy { $0 == 0 })
        #expect(try store.run(id: HistoryFixtures.minimalRun().id) == HistoryFixtures.minimalRun())
    }
}
