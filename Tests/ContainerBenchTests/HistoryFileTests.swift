import ContainerBench
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
        #expect(try store.appliedSchemaVersions() == ["v1", "v2", "v3", "v4"])
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
        #expect(try store.appliedSchemaVersions() == ["v1", "v2", "v3", "v4"])
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

    @Test("a file migrated by a newer binary is refused with newerSchema naming the file")
    func newerSchema() throws {
        let directory = try HistoryFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("h.sqlite").path
        do {
            let newer = try SQLiteHistoryStore(path: path)
            try newer.executeRaw("INSERT INTO grdb_migrations (identifier) VALUES ('v3-from-the-future')")
        }
        let error = try #require(throws: HistoryError.self) { try SQLiteHistoryStore(path: path) }
        #expect(error.code == .newerSchema)
        #expect(error.description.contains(path))
        #expect(error.description.contains("v3-from-the-future"))
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
        big.trials[0].samples = (0..<20_000).map {
            MemorySample(t: Double($0) / 20, usageBytes: 1, workingSetBytes: 1, rssBytes: 1, cacheBytes: 1)
        }
        let error = try #require(throws: HistoryError.self) {
            try store.save(big, evaluation: nil, maximumPageCount: pages + 2)
        }
        #expect(error.code == .diskFull)
        #expect(error.description.contains(store.path))
        #expect(try store.rowCounts(runID: big.id).values.allSatisfy { $0 == 0 })
        #expect(try store.run(id: HistoryFixtures.minimalRun().id) == HistoryFixtures.minimalRun())
    }
}
