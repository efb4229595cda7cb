import ContainerBenchModel
import Foundation

extension RelationalHistoryStore {
    /// The tables that hold a run's rows, each with the SQL that counts the rows of run `?`.
    static var runRowQueries: [(table: String, sql: String)] {
        [
            ("runs", "SELECT count(*) FROM runs WHERE id = ?"),
            ("environments", "SELECT count(*) FROM environments WHERE run_id = ?"),
            ("builds", "SELECT count(*) FROM builds WHERE run_id = ?"),
            (
                "build_steps",
                "SELECT count(*) FROM build_steps WHERE build_id IN (SELECT id FROM builds WHERE run_id = ?)"
            ),
            ("images", "SELECT count(*) FROM images WHERE run_id = ?"),
            (
                "image_layers",
                "SELECT count(*) FROM image_layers WHERE image_id IN (SELECT id FROM images WHERE run_id = ?)"
            ),
            ("trials", "SELECT count(*) FROM trials WHERE run_id = ?"),
            ("trial_timelines", "SELECT count(*) FROM trial_timelines WHERE run_id = ?"),
            ("metric_values", "SELECT count(*) FROM metric_values WHERE run_id = ?"),
            ("metric_summaries", "SELECT count(*) FROM metric_summaries WHERE run_id = ?"),
            ("run_pairs", "SELECT count(*) FROM run_pairs WHERE run_id = ?"),
            ("run_messages", "SELECT count(*) FROM run_messages WHERE run_id = ?"),
            ("evaluations", "SELECT count(*) FROM evaluations WHERE run_id = ?"),
            ("verdicts", "SELECT count(*) FROM verdicts WHERE run_id = ?"),
        ]
    }

    /// Every table of the current schema.
    static var tableNames: [String] {
        runRowQueries.map(\.table) + ["series_pairs", "baselines", "baseline_samples", "annotations"]
    }

    /// How many rows of run `runID` each table holds.
    public func rowCounts(runID: String) throws -> [String: Int] {
        try database.read { connection in
            var counts: [String: Int] = [:]
            for query in Self.runRowQueries {
                counts[query.table] = try connection.scalar(Int.self, query.sql, [.text(runID)]) ?? 0
            }
            return counts
        }
    }

    /// How many rows each table holds.
    public func tableCounts() throws -> [String: Int] {
        try database.read { connection in
            var counts: [String: Int] = [:]
            for table in Self.tableNames {
                counts[table] = try connection.scalar(Int.self, "SELECT count(*) FROM \(table)", []) ?? 0
            }
            return counts
        }
    }

    /// Thins or drops old timelines; see `HistoryStore.applyRetention(_:)`. Works in batches of short
    /// transactions, so that runs saved meanwhile (by other runners of a shared history) never wait long.
    public func applyRetention(_ policy: RetentionPolicy) throws -> RetentionReport {
        let before = try database.sizeInBytes()
        let kept: Set<String> = try database.read { connection in
            var kept = Set(
                try connection.rows(
                    "SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", max(0, policy.keepTimelines)
                ).map { try $0.decode("id", as: String.self) })
            for row in try connection.fetch(BaselineRow.self, "SELECT * FROM baselines", []) {
                kept.formUnion(try HistoryCoding.decodeJSON([String].self, row.runIds, "baseline run ids"))
            }
            return kept
        }
        var thinned = 0
        var dropped = 0
        var after: Int64 = 0
        while true {
            let batch = try database.write { connection -> Int in
                // Timelines longer than the policy keeps (every one when dropping): a second pass finds none.
                let candidates = try connection.rows(
                    """
                    SELECT trial_id, run_id FROM trial_timelines WHERE trial_id > ? AND sample_count > ?
                    ORDER BY trial_id LIMIT 2000
                    """, after, max(0, policy.timelinePoints))
                for candidate in candidates {
                    let trialID: Int64 = try candidate.decode("trial_id")
                    after = trialID
                    guard !kept.contains(try candidate.decode("run_id", as: String.self)) else { continue }
                    if policy.timelinePoints <= 0 {
                        try connection.execute("DELETE FROM trial_timelines WHERE trial_id = ?", trialID)
                        dropped += 1
                        continue
                    }
                    guard
                        let timeline = try connection.fetch(
                            TrialTimelineRow.self, "SELECT * FROM trial_timelines WHERE trial_id = ?",
                            [.integer(trialID)]
                        ).first
                    else { continue }
                    let samples = try TimelineCodec.decode(
                        timeline.data, encoding: timeline.encoding, expectedCount: timeline.sampleCount)
                    let fewer = TimelineCodec.downsample(samples, to: policy.timelinePoints)
                    try connection.execute(
                        "UPDATE trial_timelines SET complete = 0, sample_count = ?, encoding = ?, data = ? WHERE trial_id = ?",
                        [
                            .integer(Int64(fewer.count)), .text(TimelineCodec.encoding),
                            .blob(TimelineCodec.encode(fewer)), .integer(trialID),
                        ])
                    thinned += 1
                }
                return candidates.count
            }
            if batch == 0 { break }
        }
        if policy.vacuum { try database.vacuum() }
        return RetentionReport(
            keptRuns: kept.count, thinnedTimelines: thinned, droppedTimelines: dropped, bytesBefore: before,
            bytesAfter: try database.sizeInBytes())
    }
}
