import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Every statement a reading command runs is checked with SQLite's EXPLAIN QUERY PLAN: none reads a whole large
/// table. The statements are not copied here: the store records what it runs while each reading method runs.
@Suite("History query plans")
struct HistoryPlanTests {
    /// Tables that grow with every run: a full scan of one of them is what made `history` quadratic.
    static let growing: Set<String> = [
        "runs", "environments", "builds", "build_steps", "images", "image_layers", "trials", "trial_timelines",
        "metric_values", "metric_summaries", "run_pairs", "run_messages", "evaluations", "verdicts",
    ]

    @Test("no reading query scans a growing table")
    func plans() throws {
        let directory = try TemporaryDirectory("cb-plans")
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        for day in 1...3 {
            let run = HistoryFixtures.richRun(id: "day-\(day)", startedAt: HistoryFixtures.date(Double(day) * 86_400))
            try store.save(run, evaluation: HistoryFixtures.evaluation(runID: run.id))
        }
        try store.saveBaseline(name: "b", runIDs: ["day-1"], description: "")
        let since = HistoryFixtures.date(86_400)
        let key = HistoryFixtures.environment().comparabilityKey
        let reads: [(String, () throws -> Void)] = [
            ("history", { _ = try store.runs(filter: RunFilter(limit: 20)) }),
            (
                "history --status --label",
                { _ = try store.runs(filter: RunFilter(label: "nightly", status: .completed, limit: 20)) }
            ),
            (
                "history --service --driver",
                { _ = try store.runs(filter: RunFilter(service: "fastapi", driver: "uv", limit: 20)) }
            ),
            ("history --since", { _ = try store.runs(filter: RunFilter(since: since, limit: 20)) }),
            ("history (count)", { _ = try store.countRuns(filter: RunFilter(status: .completed)) }),
            (
                "history --metric",
                {
                    _ = try store.metricListing(
                        filter: RunFilter(service: "fastapi", driver: "uv", limit: 50), metric: .startupSeconds)
                }
            ),
            (
                "history --metric --label",
                {
                    _ = try store.metricListing(
                        filter: RunFilter(label: "nightly", limit: 50), metric: .memoryPeakBytes)
                }
            ),
            ("plot (pairs)", { _ = try store.measuredPairs(since: since) }),
            (
                "plot / trend series",
                {
                    _ = try store.series(
                        service: "fastapi", driver: "uv", metric: .startupSeconds, scenario: .cold, since: since,
                        limit: 60)
                }
            ),
            ("report --run / compare (load)", { _ = try store.run(id: "day-2") }),
            ("report (evaluation)", { _ = try store.evaluation(runID: "day-2") }),
            ("latest", { _ = try store.latestRun(status: .completed, label: nil) }),
            ("compare (samples)", { _ = try store.samples(runIDs: ["day-1", "day-2"], scenario: .cold) }),
            ("baseline: last N", { _ = try store.lastGoodRuns(count: 5, fingerprintKey: key, excluding: ["day-3"]) }),
            ("baseline: named", { _ = try store.samples(baseline: "b", scenario: .cold) }),
            ("verdicts: per run", { _ = try store.perRunSamples(runIDs: ["day-1", "day-2"], scenario: .cold) }),
            ("verdicts: noise", { _ = try store.noiseHistory(fingerprintKey: key, count: 30) }),
        ]
        var report: [String] = []
        for (name, read) in reads {
            let statements = try store.statements(during: read)
            #expect(!statements.isEmpty, "\(name) ran no SQL")
            for statement in statements {
                let plan = try store.queryPlan(statement)
                report.append("\(name): " + plan.joined(separator: " | "))
                for step in plan {
                    guard let match = step.firstMatch(of: /^SCAN (\w+)$/) else { continue }
                    let table = Self.table(of: String(match.1), in: statement)
                    #expect(!Self.growing.contains(table), "\(name) scans \(table): \(plan)\n\(statement)")
                }
            }
        }
        print(report.joined(separator: "\n"))
    }

    /// The table an alias stands for in `sql` (`FROM runs r` → `runs`), or the name itself.
    static func table(of alias: String, in sql: String) -> String {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "(" || $0 == ")" })
        for (index, word) in words.enumerated() where index > 0 && word == alias {
            let previous = String(words[index - 1])
            if growing.contains(previous) { return previous }
        }
        return alias
    }
}
