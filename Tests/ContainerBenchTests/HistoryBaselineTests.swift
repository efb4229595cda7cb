import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@Suite("History baselines")
struct HistoryBaselineTests {
    /// A store with three completed runs on machine A (days 1-3), a failed one on A (day 4) and a completed one
    /// on machine B (day 5).
    private static func populatedStore(_ history: TestHistory) throws -> any HistoryStore {
        let store = try history.open(now: { HistoryFixtures.date(1_764_500_000.5) })
        for day in 1...5 {
            let run = HistoryFixtures.richRun(
                id: "day-\(day)", startedAt: HistoryFixtures.date(Double(day) * 86_400),
                status: day == 4 ? .failed : .completed,
                environment: HistoryFixtures.environment(cpuCores: day == 5 ? 8 : 2), startupOffset: Double(day) / 10)
            try store.save(run, evaluation: nil)
        }
        return store
    }

    @Test(
        "lastGoodRuns keeps completed runs of the same machine, newest first, minus the excluded",
        arguments: HistoryStoreKind.allCases)
    func lastGoodRuns(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try Self.populatedStore(history)
        let machineA = HistoryFixtures.environment(cpuCores: 2).comparabilityKey
        let machineB = HistoryFixtures.environment(cpuCores: 8).comparabilityKey
        #expect(machineA != machineB)
        #expect(
            try store.lastGoodRuns(count: 5, fingerprintKey: machineA, excluding: []).map(\.id) == [
                "day-3", "day-2", "day-1",
            ])
        #expect(
            try store.lastGoodRuns(count: 2, fingerprintKey: machineA, excluding: []).map(\.id) == [
                "day-3", "day-2",
            ])
        #expect(
            try store.lastGoodRuns(count: 2, fingerprintKey: machineA, excluding: ["day-3"]).map(\.id) == [
                "day-2", "day-1",
            ])
        #expect(try store.lastGoodRuns(count: 5, fingerprintKey: machineB, excluding: []).map(\.id) == ["day-5"])
        #expect(try store.lastGoodRuns(count: 0, fingerprintKey: machineA, excluding: []).isEmpty)
        #expect(try store.lastGoodRuns(count: 3, fingerprintKey: "nothing", excluding: []).isEmpty)
    }

    @Test("a baseline keeps its runs' samples after the runs are deleted", arguments: HistoryStoreKind.allCases)
    func saveListDelete(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try Self.populatedStore(history)
        let expected = try store.samples(runIDs: ["day-2", "day-3"])
        let saved = try store.saveBaseline(name: "nightly", runIDs: ["day-2", "day-3"], description: "two nights")
        #expect(saved.fingerprintKey == HistoryFixtures.environment().comparabilityKey)
        #expect(saved.createdAt == HistoryFixtures.date(1_764_500_000.5))
        #expect(try store.baselines() == [saved])
        #expect(try store.baseline(named: "nightly") == saved)
        #expect(try store.baseline(named: "other") == nil)

        try store.deleteRun(id: "day-2")
        #expect(try store.samples(baseline: "nightly") == expected)

        let mixed = try store.saveBaseline(name: "mixed", runIDs: ["day-3", "day-5"], description: "")
        #expect(mixed.fingerprintKey == nil)
        let missing = try #require(throws: HistoryError.self) {
            try store.saveBaseline(name: "bad", runIDs: ["day-3", "day-9"], description: "")
        }
        #expect(missing.code == .runNotFound)
        #expect(try store.baseline(named: "bad") == nil)

        #expect(try store.deleteBaseline(name: "nightly"))
        #expect(try store.deleteBaseline(name: "nightly") == false)
        #expect(try store.baselines().map(\.name) == ["mixed"])
        let gone = try #require(throws: HistoryError.self) { try store.samples(baseline: "nightly") }
        #expect(gone.code == .baselineNotFound)
    }

    @Test(
        "an exported baseline imports into a fresh history with the same samples", arguments: HistoryStoreKind.allCases)
    func exportImportRoundTrip(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try Self.populatedStore(history)
        let saved = try store.saveBaseline(name: "v1.2", runIDs: ["day-3", "day-1"], description: "release 1.2")
        let data = try store.exportBaseline(name: "v1.2")

        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"format\" : \"containerbench-baseline\""))
        #expect(text.contains("\"version\" : 1"))
        #expect(text.contains("2025-11-30T10:53:20.500Z"))

        let other = try TestHistory(kind)
        defer { other.remove() }
        let otherMachine = try other.open()
        let imported = try otherMachine.importBaseline(data, source: "baselines/v1.2.json", replacing: false)
        #expect(imported == saved)
        #expect(try otherMachine.baselines() == [saved])
        for scenario in BuildScenario.allCases {
            #expect(
                try otherMachine.samples(baseline: "v1.2", scenario: scenario)
                    == store.samples(runIDs: ["day-3", "day-1"], scenario: scenario))
        }
        // Exporting again from the second history gives the same file: baselines diff cleanly in git.
        #expect(try otherMachine.exportBaseline(name: "v1.2") == data)

        let again = try #require(throws: HistoryError.self) {
            try otherMachine.importBaseline(data, source: "baselines/v1.2.json", replacing: false)
        }
        #expect(again.code == .baselineExists)
        #expect(try otherMachine.importBaseline(data, source: "baselines/v1.2.json", replacing: true) == saved)
    }

    @Test(
        "baseline files that are not JSON, another format or a newer version are refused clearly",
        arguments: HistoryStoreKind.allCases)
    func invalidFiles(kind: HistoryStoreKind) throws {
        let history = try TestHistory(kind)
        defer { history.remove() }
        let store = try Self.populatedStore(history)
        try store.saveBaseline(name: "b", runIDs: ["day-1"], description: "")
        let good = try store.exportBaseline(name: "b")
        let goodText = String(decoding: good, as: UTF8.self)
        let cases: [(Data, String)] = [
            (Data("not json".utf8), "JSON"),
            (Data(goodText.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7").utf8), "newer"),
            (Data(goodText.replacingOccurrences(of: "containerbench-baseline", with: "k6-summary").utf8), "k6"),
            (Data(goodText.replacingOccurrences(of: "\"name\" : \"b\"", with: "\"name\" : \"\"").utf8), "no name"),
        ]
        for (data, mention) in cases {
            let error = try #require(throws: HistoryError.self) {
                try store.importBaseline(data, source: "baselines/v1.2.json", replacing: true)
            }
            #expect(error.code == .invalidBaselineFile)
            #expect(error.description.contains(mention))
            #expect(error.description.contains("baselines/v1.2.json"))
        }
        #expect(try store.exportBaseline(name: "b") == good)
        let missing = try #require(throws: HistoryError.self) { try store.exportBaseline(name: "zz") }
        #expect(missing.code == .baselineNotFound)
    }
}
