import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@Suite("History store (SQLite and PostgreSQL)")
struct HistoryStoreTests {
    @Test(
        "a saved run loads back equal, with its evaluation", arguments: HistoryStoreKind.allCases, ["rich", "minimal"])
    func roundTrip(kind: HistoryStoreKind, shape: String) throws {
        let run = shape == "rich" ? HistoryFixtures.richRun() : HistoryFixtures.minimalRun()
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let evaluation = HistoryFixtures.evaluation(runID: run.id)
        try store.save(run, evaluation: evaluation)

        let loaded = try #require(try store.run(id: run.id))
        #expect(loaded == run)
        // NaN never equals itself: compare the evaluation through its JSON, which keeps NaN as a string.
        let loadedEvaluation = try #require(try store.evaluation(runID: run.id))
        #expect(try json(loadedEvaluation) == json(evaluation))
        #expect(loadedEvaluation.regressions.first?.adjustedPValue?.isNaN == true)
        #expect(try store.run(id: "nope") == nil)
        #expect(try store.evaluation(runID: "nope") == nil)
    }

    @Test("a run saved without an evaluation has none", arguments: HistoryStoreKind.allCases)
    func noEvaluation(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        try store.save(HistoryFixtures.richRun(), evaluation: nil)
        #expect(try store.evaluation(runID: HistoryFixtures.richRun().id) == nil)
        #expect(try store.run(id: HistoryFixtures.richRun().id) == HistoryFixtures.richRun())
    }

    @Test("a run that violates a CHECK late in the save leaves no row anywhere", arguments: HistoryStoreKind.allCases)
    func atomicOnConstraintViolation(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        var run = HistoryFixtures.richRun()
        // The floor trials are written after the run, builds, images and trials: the failure comes part-way.
        run.floorTrials[0].index = -1
        let error = try #require(throws: HistoryError.self) { try store.save(run, evaluation: nil) }
        #expect(error.code == .invalidRecord)
        #expect(error.description.contains(store.location))
        let counts = try store.rowCounts(runID: run.id)
        #expect(counts.count == 14)
        #expect(counts.values.allSatisfy { $0 == 0 }, "rows left behind: \(counts)")
        #expect(try store.runs(filter: RunFilter()).isEmpty)
    }

    @Test("a failure just before commit (a crash, a kill) leaves no row anywhere", arguments: HistoryStoreKind.allCases)
    func atomicOnLateFailure(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let run = HistoryFixtures.richRun()
        struct Killed: Error {}
        var countsInside: [String: Int] = [:]
        // Another connection (SQLite: another pool; PostgreSQL: another session), as another process would read.
        let reader = try history.open()
        #expect(throws: HistoryError.self) {
            try HistoryFixtures.save(run, evaluation: HistoryFixtures.evaluation(runID: run.id), into: store) {
                countsInside = try Self.countsFromInside(reader, run.id)
                throw Killed()
            }
        }
        // Every row of the run was written when the failure came; other connections saw none of it, and after
        // the failure nothing is left.
        #expect(countsInside.values.allSatisfy { $0 == 0 })
        #expect(try store.rowCounts(runID: run.id).values.allSatisfy { $0 == 0 })
    }

    /// Counts through another connection: it must see nothing of an uncommitted run.
    private static func countsFromInside(_ store: any HistoryStore, _ runID: String) throws -> [String: Int] {
        try store.rowCounts(runID: runID)
    }

    @Test(
        "saving a run id twice fails with duplicateRun and keeps the first run intact",
        arguments: HistoryStoreKind.allCases)
    func duplicateRun(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let first = HistoryFixtures.richRun()
        try store.save(first, evaluation: nil)
        let countsBefore = try store.rowCounts(runID: first.id)
        var second = HistoryFixtures.richRun(startupOffset: 1)
        second.label = "other"
        let error = try #require(throws: HistoryError.self) { try store.save(second, evaluation: nil) }
        #expect(error.code == .duplicateRun)
        #expect(error.description.contains(first.id))
        #expect(try store.run(id: first.id) == first)
        #expect(try store.rowCounts(runID: first.id) == countsBefore)
    }

    @Test(
        "a reader on another pool reads while a writer holds its transaction open", arguments: HistoryStoreKind.allCases
    )
    func readerDuringWrite(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let writer = try history.open()
        let reader = try history.open()
        let old = HistoryFixtures.richRun(id: "20261128T000000Z-00000001", startedAt: HistoryFixtures.date(1.7e9))
        try writer.save(old, evaluation: nil)
        let new = HistoryFixtures.richRun()

        var seenDuringWrite: [String] = []
        var loadedDuringWrite: RunRecord?
        var newDuringWrite: RunRecord?
        var openedDuringWrite: [String] = []
        let clock = ContinuousClock()
        let start = clock.now
        try HistoryFixtures.save(new, into: writer) {
            // A reader opened now (a `history` command started mid-save) must not wait for the writer either.
            openedDuringWrite = try history.open().runs(filter: RunFilter()).map(\.id)
            // The writer has written every row of `new` and not committed: the reader neither fails nor waits,
            // and sees the last committed state.
            seenDuringWrite = try reader.runs(filter: RunFilter()).map(\.id)
            loadedDuringWrite = try reader.run(id: old.id)
            newDuringWrite = try reader.run(id: new.id)
        }
        #expect(seenDuringWrite == [old.id])
        #expect(loadedDuringWrite == old)
        #expect(newDuringWrite == nil)
        #expect(openedDuringWrite == [old.id])
        // Far below any lock wait: nobody waited for the writer's lock.
        #expect(clock.now - start < .seconds(2.5))
        #expect(try reader.runs(filter: RunFilter()).map(\.id) == [new.id, old.id])
        #expect(try reader.run(id: new.id) == new)
    }

    @Test(
        "runs are listed newest first and filtered by service, driver, label, status, date and count",
        arguments: HistoryStoreKind.allCases)
    func listing(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let a = HistoryFixtures.richRun(id: "a", startedAt: HistoryFixtures.date(1000), label: "nightly")
        let b = HistoryFixtures.richRun(id: "b", startedAt: HistoryFixtures.date(2000), status: .failed, label: "pr")
        var c = HistoryFixtures.minimalRun(id: "c")
        c.startedAt = HistoryFixtures.date(3000)
        c.trials = [TrialRecord(service: "streamlit", driver: "uv", index: 0, succeeded: true)]
        for run in [b, c, a] { try store.save(run, evaluation: nil) }

        #expect(try store.runs(filter: RunFilter()).map(\.id) == ["c", "b", "a"])
        #expect(try store.runs(filter: RunFilter(service: "fastapi")).map(\.id) == ["b", "a"])
        #expect(try store.runs(filter: RunFilter(driver: "uv")).map(\.id) == ["c", "b", "a"])
        #expect(try store.runs(filter: RunFilter(service: "streamlit", driver: "pip")).isEmpty)
        #expect(try store.runs(filter: RunFilter(label: "pr")).map(\.id) == ["b"])
        #expect(try store.runs(filter: RunFilter(status: .completed)).map(\.id) == ["a"])
        #expect(try store.runs(filter: RunFilter(since: HistoryFixtures.date(2000))).map(\.id) == ["c", "b"])
        #expect(try store.runs(filter: RunFilter(limit: 1)).map(\.id) == ["c"])
        #expect(try store.runs(filter: RunFilter(label: "pr", limit: 1)).map(\.id) == ["b"])

        let row = try #require(try store.runs(filter: RunFilter(label: "nightly")).first)
        #expect(
            row.pairs == [ServiceDriver(service: "fastapi", driver: "pip"), .init(service: "fastapi", driver: "uv")])
        #expect(row.trialCount == 7)
        #expect(row.failedTrialCount == 1)
        #expect(row.warningCount == 2)
        #expect(row.errorCount == 1)
        #expect(row.gitCommit == "abc1234")
        #expect(row.fingerprintKey == a.environment.comparabilityKey)
        #expect(row.finishedAt == a.finishedAt)

        #expect(try store.latestRun(status: nil, label: nil) == c)
        #expect(try store.latestRun(status: .completed, label: nil) == a)
        #expect(try store.latestRun(status: nil, label: "pr") == b)
        #expect(try store.latestRun(status: .completed, label: "pr") == nil)
    }

    @Test("deleting a run removes every row of it and its annotations", arguments: HistoryStoreKind.allCases)
    func deleteCascades(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let run = HistoryFixtures.richRun()
        try store.save(run, evaluation: HistoryFixtures.evaluation(runID: run.id))
        try store.acknowledge(service: "fastapi", driver: "uv", metric: .imageBytes, fromRun: run.id, note: "bigger")
        #expect(try store.rowCounts(runID: run.id).values.allSatisfy { $0 > 0 })
        #expect(try store.deleteRun(id: run.id))
        #expect(try store.rowCounts(runID: run.id).values.allSatisfy { $0 == 0 })
        #expect(try store.annotations().isEmpty)
        #expect(try store.deleteRun(id: run.id) == false)
    }

    @Test(
        "series: completed runs oldest first, per-run samples and median, since and limit",
        arguments: HistoryStoreKind.allCases)
    func series(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        for day in 0..<5 {
            let run = HistoryFixtures.richRun(
                id: "run-\(day)", startedAt: HistoryFixtures.date(Double(day) * 86_400),
                status: day == 3 ? .failed : .completed, startupOffset: Double(day))
            try store.save(run, evaluation: nil)
        }
        let all = try store.series(service: "fastapi", driver: "uv", metric: .startupSeconds)
        #expect(all.map(\.runID) == ["run-0", "run-1", "run-2", "run-4"])
        #expect(all[0].samples == [1.25, 1.375, 1.5])
        #expect(all[0].median == 1.375)
        #expect(all[3].median == 5.375)

        let lastTwo = try store.series(service: "fastapi", driver: "uv", metric: .startupSeconds, limit: 2)
        #expect(lastTwo.map(\.runID) == ["run-2", "run-4"])
        let since = try store.series(
            service: "fastapi", driver: "uv", metric: .startupSeconds, since: HistoryFixtures.date(86_400), limit: 2)
        #expect(since.map(\.runID) == ["run-2", "run-4"])

        let coldBuilds = try store.series(service: "fastapi", driver: "uv", metric: .buildSeconds)
        #expect(coldBuilds.map(\.samples) == Array(repeating: [21.5], count: 4))
        let warmBuilds = try store.series(service: "fastapi", driver: "uv", metric: .buildSeconds, scenario: .warm)
        #expect(warmBuilds.map(\.samples) == Array(repeating: [1.5], count: 4))
        #expect(try store.series(service: "fastapi", driver: "uv", metric: .installSeconds).first?.samples == [9.75])
        #expect(try store.series(service: "nope", driver: "uv", metric: .startupSeconds).isEmpty)
    }

    @Test(
        "samples pools the runs' values exactly as RunRecord.values extracts them", arguments: HistoryStoreKind.allCases
    )
    func pooledSamples(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let first = HistoryFixtures.richRun(id: "r1")
        let second = HistoryFixtures.richRun(id: "r2", startupOffset: 1)
        try store.save(first, evaluation: nil)
        try store.save(second, evaluation: nil)
        let pooled = try store.samples(runIDs: ["r2", "r1"])
        let uv = ServiceDriver(service: "fastapi", driver: "uv")
        for metric in Metric.allCases {
            let expected =
                second.values(of: metric, service: "fastapi", driver: "uv")
                + first.values(of: metric, service: "fastapi", driver: "uv")
            #expect((pooled[uv]?[metric] ?? []) == expected, "\(metric)")
        }
        #expect(pooled.keys.count == 2)
        let error = try #require(throws: HistoryError.self) { try store.samples(runIDs: ["r1", "missing"]) }
        #expect(error.code == .runNotFound)
        #expect(error.description.contains("missing"))
    }

    @Test("annotations acknowledge a change from a stored run on", arguments: HistoryStoreKind.allCases)
    func annotations(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let clock = HistoryFixtures.date(1_764_400_000.25)
        let store = try history.open(now: { clock })
        let run = HistoryFixtures.richRun()
        try store.save(run, evaluation: nil)
        let saved = try store.acknowledge(
            service: "fastapi", driver: "uv", metric: .imageBytes, fromRun: run.id, note: "larger base image")
        #expect(try store.annotations() == [saved])
        #expect(saved.createdAt == clock)
        #expect(saved.note == "larger base image")
        let error = try #require(throws: HistoryError.self) {
            try store.acknowledge(service: "fastapi", driver: "uv", metric: .imageBytes, fromRun: "zzz", note: "")
        }
        #expect(error.code == .runNotFound)
    }

    private func json(_ evaluation: Evaluation) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(evaluation), as: UTF8.self)
    }
}
