import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Synchronization
import Testing

/// The queries the run-level verdicts, the listings and the plots read, on both stores.
@Suite("History queries (SQLite and PostgreSQL)")
struct HistoryQueryTests {
    /// Days 1-3 and 5 completed on machine A, day 4 failed on A, day 6 completed on machine B.
    private static func populated(_ history: TestHistory) throws -> (any HistoryStore, [RunRecord]) {
        let store = try history.open(now: { HistoryFixtures.date(1_764_500_000) })
        var runs: [RunRecord] = []
        for day in 1...6 {
            let run = HistoryFixtures.richRun(
                id: "day-\(day)", startedAt: HistoryFixtures.date(Double(day) * 86_400),
                status: day == 4 ? .failed : .completed,
                environment: HistoryFixtures.environment(cpuCores: day == 6 ? 8 : 2), startupOffset: Double(day) / 10)
            try store.save(run, evaluation: nil)
            runs.append(run)
        }
        return (store, runs)
    }

    @Test("per-run samples keep each run's samples apart, by run id", arguments: HistoryStoreKind.allCases)
    func perRunSamples(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let (store, runs) = try Self.populated(history)
        let perRun = try store.perRunSamples(runIDs: ["day-2", "day-3"], scenario: .cold)
        for pair in [ServiceDriver(service: "fastapi", driver: "uv"), .init(service: "fastapi", driver: "pip")] {
            for metric in Metric.allCases {
                for run in runs where ["day-2", "day-3"].contains(run.id) {
                    let expected = run.values(of: metric, service: pair.service, driver: pair.driver)
                    #expect((perRun[pair]?[metric]?[run.id] ?? []) == expected, "\(pair) \(metric) \(run.id)")
                }
            }
        }
        // Pooled samples are the per-run samples in run order, concatenated.
        let pooled = try store.samples(runIDs: ["day-3", "day-2"], scenario: .cold)
        let uv = ServiceDriver(service: "fastapi", driver: "uv")
        #expect(
            pooled[uv]?[.startupSeconds]
                == (perRun[uv]?[.startupSeconds]?["day-3"] ?? []) + (perRun[uv]?[.startupSeconds]?["day-2"] ?? []))
        let missing = try #require(throws: HistoryError.self) {
            try store.perRunSamples(runIDs: ["day-2", "nope"], scenario: .cold)
        }
        #expect(missing.code == .runNotFound)

        try store.saveBaseline(name: "pair", runIDs: ["day-2", "day-3"], description: "")
        try store.deleteRun(id: "day-2")
        #expect(try store.perRunSamples(baseline: "pair", scenario: .cold) == perRun)
        let unknown = try #require(throws: HistoryError.self) {
            try store.perRunSamples(baseline: "nope", scenario: .cold)
        }
        #expect(unknown.code == .baselineNotFound)
    }

    @Test(
        "run medians and the noise history of a machine come from the summary table",
        arguments: HistoryStoreKind.allCases)
    func medians(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let (store, _) = try Self.populated(history)
        let uv = ServiceDriver(service: "fastapi", driver: "uv")
        let series = try store.series(service: "fastapi", driver: "uv", metric: .startupSeconds)
        let medians = try store.runMedians(runIDs: series.map(\.runID), scenario: .cold)
        #expect(medians[uv]?[.startupSeconds]?.map(\.median) == series.map(\.median))
        #expect(medians[uv]?[.startupSeconds]?.map(\.n) == series.map(\.samples.count))

        let machineA = HistoryFixtures.environment(cpuCores: 2).comparabilityKey
        let noise = try store.noiseHistory(fingerprintKey: machineA, count: 3, excluding: ["day-5"])
        // The newest three completed runs of machine A but day 5, oldest first; the failed day 4 and machine B's
        // day 6 are not comparable.
        #expect(noise[uv]?[.startupSeconds]?.map(\.runID) == ["day-1", "day-2", "day-3"])
        #expect(noise[uv]?[.buildSeconds]?.first?.median == 21.5)
        let warm = try store.noiseHistory(fingerprintKey: machineA, count: 1, scenario: .warm)
        #expect(warm[uv]?[.buildSeconds]?.map(\.median) == [1.5])
        #expect(try store.noiseHistory(fingerprintKey: "elsewhere", count: 5).isEmpty)
    }

    @Test(
        "the metric listing limits runs in SQL and filters like the run listing", arguments: HistoryStoreKind.allCases)
    func metricListing(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let (store, _) = try Self.populated(history)
        let all = try store.metricListing(filter: RunFilter(), metric: .startupSeconds)
        #expect(Set(all.map(\.runID)) == ["day-1", "day-2", "day-3", "day-5", "day-6"])
        #expect(all.count == 10)
        let limited = try store.metricListing(filter: RunFilter(driver: "uv", limit: 2), metric: .startupSeconds)
        #expect(limited.map(\.runID) == ["day-6", "day-5"])
        #expect(limited.allSatisfy { $0.driver == "uv" && $0.n == 3 })
        let failed = try store.metricListing(filter: RunFilter(status: .failed), metric: .startupSeconds)
        #expect(Set(failed.map(\.runID)) == ["day-4"])
        let since = try store.metricListing(
            filter: RunFilter(service: "fastapi", since: HistoryFixtures.date(5 * 86_400)), metric: .imageBytes)
        #expect(since.map(\.runID) == ["day-6", "day-6", "day-5", "day-5"])
        #expect(try store.metricListing(filter: RunFilter(service: "nope"), metric: .startupSeconds).isEmpty)
        #expect(try store.countRuns(filter: RunFilter(status: .completed)) == 5)
        #expect(try store.countRuns(filter: RunFilter(driver: "pip", limit: 1)) == 6)
    }

    @Test("measured pairs come from completed runs, newer than a date", arguments: HistoryStoreKind.allCases)
    func measuredPairs(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let (store, _) = try Self.populated(history)
        let pairs = [ServiceDriver(service: "fastapi", driver: "pip"), .init(service: "fastapi", driver: "uv")]
        #expect(try store.measuredPairs(since: nil) == pairs)
        #expect(try store.measuredPairs(since: HistoryFixtures.date(6 * 86_400)) == pairs)
        #expect(try store.measuredPairs(since: HistoryFixtures.date(7 * 86_400)).isEmpty)
    }

    @Test(
        "retention thins old timelines, keeps the newest and the baselines' and every summary",
        arguments: HistoryStoreKind.allCases)
    func retention(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try history.open()
        let template = HistorySynthesizer.defaultSuiteRun(startedAt: HistoryFixtures.date(1_780_000_000))
        let synthesizer = HistorySynthesizer(template: template, evaluation: nil, fullTimelines: 5)
        let end = HistoryFixtures.date(1_780_000_000)
        let copies = (0..<5).map { synthesizer.copy($0, of: 5, end: end) }
        for copy in copies { try store.save(copy, evaluation: nil) }
        try store.saveBaseline(name: "old", runIDs: [copies[0].id], description: "")
        let policy = RetentionPolicy(keepTimelines: 2, timelinePoints: 48, vacuum: true)
        let report = try store.applyRetention(policy)
        #expect(report.keptRuns == 3)
        #expect(report.thinnedTimelines == 2 * copies[0].trials.count)
        for (index, copy) in copies.enumerated() {
            let loaded = try #require(try store.run(id: copy.id))
            let kept = index == 0 || index >= 3
            for (trial, original) in zip(loaded.trials, copy.trials) {
                #expect(kept ? trial.samples == original.samples : trial.samples.count == 48, "run \(index)")
                #expect(trial.memory == original.memory)
                #expect(trial.phases == original.phases)
                if !kept {
                    // The thinned timeline keeps its start, end and peak.
                    #expect(trial.samples.first == original.samples.first)
                    #expect(trial.samples.last == original.samples.last)
                    #expect(
                        trial.samples.map(\.workingSetBytes).max() == original.samples.map(\.workingSetBytes).max())
                }
            }
        }
        #expect(try store.series(service: "fastapi", driver: "uv", metric: .memoryPeakBytes).count == 5)
        let again = try store.applyRetention(policy)
        #expect(again.thinnedTimelines == 0, "a second pass has nothing to do")
        let drop = try store.applyRetention(RetentionPolicy(keepTimelines: 2, timelinePoints: 0, vacuum: false))
        #expect(drop.droppedTimelines == 2 * copies[0].trials.count, "the thinned ones go")
        #expect(try store.run(id: copies[1].id)?.trials.allSatisfy { $0.samples.isEmpty } == true)
        #expect(try store.run(id: copies[3].id)?.trials.allSatisfy { !$0.samples.isEmpty } == true)
        let everything = try store.applyRetention(RetentionPolicy(keepTimelines: 0, timelinePoints: 0, vacuum: false))
        #expect(everything.droppedTimelines == 2 * copies[0].trials.count, "all but the baseline's")
        #expect(try store.run(id: copies[0].id)?.trials.map(\.samples) == copies[0].trials.map(\.samples))
        #expect(try store.run(id: copies[4].id)?.trials.allSatisfy { $0.samples.isEmpty } == true)
        #expect(try store.run(id: copies[4].id)?.trials.map(\.memory) == copies[4].trials.map(\.memory))
    }

    @Test(
        "history copy moves runs, baselines and acknowledgements once, verified by row counts",
        arguments: [
            (HistoryStoreKind.sqlite, HistoryStoreKind.postgresql), (.postgresql, .sqlite), (.sqlite, .sqlite),
        ])
    func copy(from sourceKind: HistoryStoreKind, to targetKind: HistoryStoreKind) throws {
        let sourceHistory = try TestHistory(sourceKind)
        defer { sourceHistory.remove() }
        let targetHistory = try TestHistory(targetKind)
        defer { targetHistory.remove() }
        let (source, runs) = try Self.populated(sourceHistory)
        try source.save(HistoryFixtures.minimalRun(), evaluation: HistoryFixtures.evaluation(runID: "x"))
        try source.saveBaseline(name: "nightly", runIDs: ["day-2", "day-3"], description: "two nights")
        try source.acknowledge(
            service: "fastapi", driver: "uv", metric: .startupSeconds, fromRun: "day-3", note: "bigger framework")
        let target = try targetHistory.open()
        let first = try HistoryCopier(from: source, to: target).copy()
        #expect(first.copiedRuns == runs.count + 1)
        #expect(first.copiedBaselines == 1)
        #expect(first.addedAnnotations == 1)
        #expect(try target.tableCounts() == source.tableCounts())
        for run in runs { #expect(try target.run(id: run.id) == run) }
        #expect(try target.evaluation(runID: HistoryFixtures.minimalRun().id) != nil)
        #expect(try target.exportBaseline(name: "nightly") == source.exportBaseline(name: "nightly"))
        #expect(try target.annotations().map(\.note) == ["bigger framework"])
        let second = try HistoryCopier(from: source, to: target).copy()
        #expect(second.copiedRuns == 0 && second.copiedBaselines == 0 && second.addedAnnotations == 0)
        #expect(second.presentRuns == runs.count + 1)
        #expect(try target.tableCounts() == source.tableCounts(), "a second copy adds nothing")
    }
}

/// `gc --prune-history` (thinning and VACUUM) while runs are being saved from other processes' stores: every run
/// saved while it works is kept (the writers wait for it, within the busy timeout, instead of failing).
@Suite("Retention beside concurrent saves")
struct RetentionConcurrencyTests {
    @Test("20 runs saved while retention thins and vacuums: all 20 are in the history, complete")
    func concurrentSaves() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/history.sqlite"
        let store = try SQLiteHistoryStore(path: path)
        let template = HistorySynthesizer.defaultSuiteRun(startedAt: HistoryFixtures.date(1_780_000_000))
        try HistorySynthesizer(template: template, evaluation: nil, fullTimelines: 60).fill(
            store, count: 60, end: HistoryFixtures.date(1_780_000_000))
        let fresh = HistorySynthesizer(template: template, evaluation: nil, fullTimelines: 20)
        let runs = (0..<20).map { index -> RunRecord in
            var run = fresh.copy(index, of: 20, end: HistoryFixtures.date(1_790_000_000))
            run.id = String(format: "20300101T0000%02dZ-0000aaaa", index)
            return run
        }
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do {
                _ = try SQLiteHistoryStore(path: path).applyRetention(
                    RetentionPolicy(keepTimelines: 2, timelinePoints: 0, vacuum: true))
            } catch {
                failures.withLock { $0.append("retention: \(error)") }
            }
        }
        for run in runs {
            DispatchQueue.global().async(group: group) {
                do {
                    try SQLiteHistoryStore(path: path).save(run, evaluation: nil)
                } catch {
                    failures.withLock { $0.append("\(run.id): \(error)") }
                }
            }
        }
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let reopened = try SQLiteHistoryStore(path: path)
        for run in runs {
            let stored = try #require(try reopened.run(id: run.id), "\(run.id) was lost")
            #expect(stored.trials.count == run.trials.count)
        }
        #expect(try reopened.runs(filter: RunFilter()).count == 80)
    }
}
