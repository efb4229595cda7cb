import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// What a run of the default suite costs on disk: the bound of `gc --prune-history`'s default policy.
@Suite("History size", .serialized)
struct HistorySizeTests {
    @Test("a default-suite run costs at most 150 kB once its timelines are thinned; the newest stay complete")
    func bytesPerRun() throws {
        let directory = try TemporaryDirectory("cb-size")
        defer { directory.remove() }
        let template = HistorySynthesizer.defaultSuiteRun()
        let samples = template.trials.map(\.samples.count).reduce(0, +)
        #expect(samples > 13_000 && samples < 15_000, "shaped like a make bench: \(samples) samples")
        // One complete run, then 60 runs of which the newest 20 keep their timelines (the default policy).
        let one = try SQLiteHistoryStore(path: directory.path + "/one.sqlite")
        let empty = try fileSize(one)
        try HistorySynthesizer(template: template, evaluation: HistorySynthesizer.defaultEvaluation(for: template))
            .fill(one, count: 1)
        try one.applyRetention(RetentionPolicy(keepTimelines: 20, timelinePoints: 48, vacuum: true))
        let complete = try fileSize(one) - empty

        let many = try SQLiteHistoryStore(path: directory.path + "/many.sqlite")
        let synthesizer = HistorySynthesizer(
            template: template, evaluation: HistorySynthesizer.defaultEvaluation(for: template), fullTimelines: 60)
        try synthesizer.fill(many, count: 60)
        try many.applyRetention(.default)
        let after = try fileSize(many)
        let thinnedRun = Double(after - empty - 20 * complete) / 40
        print("bytes per run: complete \(complete), thinned \(Int(thinnedRun)), 60 runs \(after)")
        #expect(complete < 350_000, "a complete run: \(complete) bytes (0.9 MB before schema v4)")
        #expect(thinnedRun < 150_000, "an older run: \(thinnedRun) bytes")
        let newest = try #require(try many.runs(filter: RunFilter(limit: 1)).first)
        #expect(try many.run(id: newest.id)?.trials.map(\.samples.count) == template.trials.map(\.samples.count))
    }

    private func fileSize(_ store: SQLiteHistoryStore) throws -> Int {
        let pages = try store.pageCount() ?? 0
        return pages * 4096
    }
}
