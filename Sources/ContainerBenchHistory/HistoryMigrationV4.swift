import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The data half of schema v4: fills the new tables from the rows an older history holds, then removes the
/// one-row-per-sample timeline table. Runs inside the migration's transaction, on either store.
enum HistoryMigrationV4 {
    static func backfill(_ connection: any HistoryConnection) throws {
        try connection.execute(
            """
            UPDATE runs SET
                trial_count = (SELECT count(*) FROM trials t WHERE t.run_id = runs.id AND t.is_floor = 0),
                failed_trial_count = (SELECT count(*) FROM trials t
                    WHERE t.run_id = runs.id AND t.is_floor = 0 AND t.succeeded = 0),
                warning_count = (SELECT count(*) FROM run_messages m WHERE m.run_id = runs.id AND m.kind = 'warning'),
                error_count = (SELECT count(*) FROM run_messages m WHERE m.run_id = runs.id AND m.kind = 'error')
            """, [])
        try connection.execute(
            """
            INSERT INTO run_pairs (run_id, service, driver)
            SELECT run_id, service, driver FROM builds
            UNION SELECT run_id, service, driver FROM images
            UNION SELECT run_id, service, driver FROM trials WHERE is_floor = 0
            """, [])
        try connection.execute(
            """
            INSERT INTO series_pairs (service, driver, last_completed_at)
            SELECT p.service, p.driver, max(r.started_at) FROM run_pairs p JOIN runs r ON r.id = p.run_id
            WHERE r.status = 'completed' GROUP BY p.service, p.driver
            """, [])
        try backfillSummaries(connection)
        try backfillTimelines(connection)
        try connection.execute("DROP TABLE memory_samples", [])
    }

    /// Each run's median per cell, computed as the save computes it.
    private static func backfillSummaries(_ connection: any HistoryConnection) throws {
        let runs = try connection.rows("SELECT id, status, started_at FROM runs ORDER BY id")
        for run in runs {
            let id: String = try run.decode("id")
            let values = try connection.fetch(
                MetricValueRow.self,
                "SELECT * FROM metric_values WHERE run_id = ? ORDER BY service, driver, metric, scenario, position",
                [.text(id)])
            var cells: [[String]: [Double]] = [:]
            var order: [[String]] = []
            for value in values {
                let cell = [value.service, value.driver, value.metric, value.scenario]
                if cells[cell] == nil { order.append(cell) }
                cells[cell, default: []].append(value.value)
            }
            let summaries = try order.compactMap { cell -> MetricSummaryRow? in
                guard let samples = cells[cell], let summary = Summary(samples) else { return nil }
                return MetricSummaryRow(
                    runID: id, service: cell[0], driver: cell[1], metric: cell[2], scenario: cell[3],
                    status: try run.decode("status"), startedAt: try run.decode("started_at"), n: samples.count,
                    median: summary.median)
            }
            try connection.insert(summaries)
        }
    }

    /// Every trial's samples packed into one blob.
    private static func backfillTimelines(_ connection: any HistoryConnection) throws {
        let trials = try connection.rows(
            """
            SELECT t.id, t.run_id FROM trials t
            WHERE EXISTS (SELECT 1 FROM memory_samples s WHERE s.trial_id = t.id) ORDER BY t.id
            """)
        for trial in trials {
            let trialID: Int64 = try trial.decode("id")
            let rows = try connection.rows(
                "SELECT * FROM memory_samples WHERE trial_id = ? ORDER BY position", [.integer(trialID)])
            let samples = try rows.map { row in
                MemorySample(
                    t: try row.decode("t"), usageBytes: try row.decode("usage_bytes"),
                    workingSetBytes: try row.decode("working_set_bytes"), rssBytes: try row.decode("rss_bytes"),
                    cacheBytes: try row.decode("cache_bytes"))
            }
            try connection.insert([
                TrialTimelineRow(
                    trialID: trialID, runID: try trial.decode("run_id"), sampleCount: samples.count, complete: true,
                    encoding: TimelineCodec.encoding, data: TimelineCodec.encode(samples))
            ])
        }
    }
}
