import ContainerBenchModel
import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Runs matching `filter`, newest first; see `HistoryStore.runs(filter:)`.
    public func runs(filter: RunFilter) throws -> [RunSummaryRow] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status = filter.status {
            conditions.append("r.status = ?")
            arguments.append(status.rawValue)
        }
        if let label = filter.label {
            conditions.append("r.label = ?")
            arguments.append(label)
        }
        if let since = filter.since {
            conditions.append("r.started_at >= ?")
            arguments.append(Self.milliseconds(since))
        }
        if filter.service != nil || filter.driver != nil {
            conditions.append(
                """
                EXISTS (SELECT 1 FROM (\(Self.pairsSQL)) p WHERE p.run_id = r.id
                    AND (?SERVICE IS NULL OR p.service = ?SERVICE) AND (?DRIVER IS NULL OR p.driver = ?DRIVER))
                """
                // Placeholder names that cannot collide: replacing "?1" by "?2" and then "?2" by "?3" did, and
                // compared the service with the driver whenever an earlier filter (status, label) was set.
                .replacingOccurrences(of: "?SERVICE", with: "?\(arguments.count + 1)")
                .replacingOccurrences(of: "?DRIVER", with: "?\(arguments.count + 2)"))
            arguments.append(filter.service)
            arguments.append(filter.driver)
        }
        return try read { db in
            try Self.summaries(where: conditions, arguments: arguments, limit: filter.limit, db)
        }
    }

    /// The newest run with `status` and `label` (any when nil); see `HistoryStore.latestRun(status:label:)`.
    public func latestRun(status: RunStatus?, label: String?) throws -> RunRecord? {
        try read { db in
            let id = try String.fetchOne(
                db,
                sql: """
                    SELECT id FROM runs WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR label = ?2)
                    ORDER BY started_at DESC, id DESC LIMIT 1
                    """,
                arguments: [status?.rawValue, label])
            return try id.flatMap { try Self.loadRun(id: $0, db) }
        }
    }

    /// Removes a run and, through the foreign keys, everything it measured; see `HistoryStore.deleteRun(id:)`.
    @discardableResult
    public func deleteRun(id: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// The per-run samples of one metric across completed runs, oldest first; see `HistoryStore.series`.
    public func series(
        service: String, driver: String, metric: Metric, scenario: BuildScenario = .cold, since: Date? = nil,
        limit: Int? = nil
    ) throws -> [SeriesPoint] {
        let sinceMilliseconds = since.map(Self.milliseconds) ?? Int64.min
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    WITH chosen AS (
                        SELECT r.id, r.started_at, r.label, r.fingerprint_key FROM runs r
                        WHERE r.status = 'completed' AND r.started_at >= ?5
                          AND EXISTS (SELECT 1 FROM metric_values m WHERE m.run_id = r.id AND m.service = ?1
                              AND m.driver = ?2 AND m.metric = ?3 AND m.scenario = ?4)
                        ORDER BY r.started_at DESC, r.id DESC LIMIT ?6
                    )
                    SELECT c.id, c.started_at, c.label, c.fingerprint_key, v.value
                    FROM chosen c JOIN metric_values v ON v.run_id = c.id
                    WHERE v.service = ?1 AND v.driver = ?2 AND v.metric = ?3 AND v.scenario = ?4
                    ORDER BY c.started_at, c.id, v.position
                    """,
                arguments: [
                    service, driver, metric.rawValue, Self.scenarioKey(metric, scenario), sinceMilliseconds,
                    limit ?? -1,
                ])
        }
        var points: [SeriesPoint] = []
        var current: (id: String, date: Date, label: String?, key: String, values: [Double])?
        func flush() {
            if let current,
                let point = SeriesPoint(
                    runID: current.id, date: current.date, label: current.label, fingerprintKey: current.key,
                    samples: current.values)
            {
                points.append(point)
            }
        }
        do {
            for row in rows {
                let id: String = try row.decode(forColumn: "id")
                if current?.id != id {
                    flush()
                    current = (
                        id, Self.date(milliseconds: try row.decode(forColumn: "started_at")),
                        try row.decode(forColumn: "label"), try row.decode(forColumn: "fingerprint_key"), []
                    )
                }
                current?.values.append(try row.decode(forColumn: "value"))
            }
        } catch {
            throw HistoryError.wrapping(error, path: path)
        }
        flush()
        return points
    }

    /// The metric samples of `runIDs`, pooled; see `HistoryStore.samples(runIDs:scenario:)`.
    /// - Throws: `HistoryError` with code `runNotFound` naming the first id that is not stored.
    public func samples(runIDs: [String], scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [Double]]]
    {
        guard !runIDs.isEmpty else { return [:] }
        return try read { db in
            let known = try Set(
                String.fetchAll(
                    db, sql: "SELECT id FROM runs WHERE id IN (\(Self.placeholders(runIDs.count)))",
                    arguments: StatementArguments(runIDs)))
            if let missing = runIDs.first(where: { !known.contains($0) }) {
                throw HistoryError(.runNotFound, path: path, detail: missing)
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, service, driver, metric, value FROM metric_values
                    WHERE run_id IN (\(Self.placeholders(runIDs.count))) AND scenario IN ('-', ?)
                    ORDER BY run_id, service, driver, metric, position
                    """,
                arguments: StatementArguments(runIDs + [scenario.rawValue]))
            return try Self.pool(rows, runOrder: runIDs)
        }
    }

    /// The newest completed runs of one machine kind; see `HistoryStore.lastGoodRuns`.
    public func lastGoodRuns(count: Int, fingerprintKey: String, excluding: Set<String> = []) throws
        -> [RunSummaryRow]
    {
        guard count > 0 else { return [] }
        var conditions = ["r.status = 'completed'", "r.fingerprint_key = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [fingerprintKey]
        if !excluding.isEmpty {
            conditions.append("r.id NOT IN (\(Self.placeholders(excluding.count)))")
            arguments += excluding.sorted().map { $0 }
        }
        return try read { db in
            try Self.summaries(where: conditions, arguments: arguments, limit: count, db)
        }
    }

    /// Every (run, service, driver) a run measured: builds, images and the suite's trials.
    static let pairsSQL = """
        SELECT run_id, service, driver FROM builds
        UNION SELECT run_id, service, driver FROM images
        UNION SELECT run_id, service, driver FROM trials WHERE is_floor = 0
        """

    /// Pools metric rows (`run_id, service, driver, metric, value`) per pair and metric, runs in `runOrder`.
    /// Metrics this binary does not know (written by a newer one) are left out.
    static func pool(_ rows: [Row], runOrder: [String]) throws -> [ServiceDriver: [Metric: [Double]]] {
        let rank = Dictionary(runOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var grouped: [String: [Row]] = [:]
        for row in rows {
            grouped[try row.decode(String.self, forColumn: "run_id"), default: []].append(row)
        }
        var result: [ServiceDriver: [Metric: [Double]]] = [:]
        for runID in grouped.keys.sorted(by: { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }) {
            for row in grouped[runID] ?? [] {
                guard let metric = Metric(rawValue: try row.decode(String.self, forColumn: "metric")) else { continue }
                let pair = ServiceDriver(
                    service: try row.decode(forColumn: "service"), driver: try row.decode(forColumn: "driver"))
                result[pair, default: [:]][metric, default: []].append(try row.decode(forColumn: "value"))
            }
        }
        return result
    }

    /// Summary rows of the runs matching `conditions` (SQL over alias `r`), newest first.
    static func summaries(
        where conditions: [String], arguments: [(any DatabaseValueConvertible)?], limit: Int?, _ db: Database
    ) throws -> [RunSummaryRow] {
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, e.git_commit,
                    (SELECT count(*) FROM trials t WHERE t.run_id = r.id AND t.is_floor = 0) AS trial_count,
                    (SELECT count(*) FROM trials t WHERE t.run_id = r.id AND t.is_floor = 0 AND t.succeeded = 0)
                        AS failed_trial_count,
                    (SELECT count(*) FROM run_messages m WHERE m.run_id = r.id AND m.kind = 'warning')
                        AS warning_count,
                    (SELECT count(*) FROM run_messages m WHERE m.run_id = r.id AND m.kind = 'error') AS error_count
                FROM runs r LEFT JOIN environments e ON e.run_id = r.id
                \(whereClause)
                ORDER BY r.started_at DESC, r.id DESC
                LIMIT \(max(limit ?? -1, -1))
                """,
            arguments: StatementArguments(arguments))
        let pairStatement = try db.cachedStatement(
            sql: "SELECT DISTINCT service, driver FROM (\(pairsSQL)) WHERE run_id = ? ORDER BY service, driver")
        return try rows.map { row in
            let id: String = try row.decode(forColumn: "id")
            let statusText: String = try row.decode(forColumn: "status")
            guard let status = RunStatus(rawValue: statusText) else {
                throw HistoryError(.corrupt, path: "", detail: "run \(id) has status '\(statusText)'")
            }
            let finishedAt: Int64? = try row.decode(forColumn: "finished_at")
            let pairs = try Row.fetchAll(pairStatement, arguments: [id]).map { pairRow in
                ServiceDriver(
                    service: try pairRow.decode(forColumn: "service"), driver: try pairRow.decode(forColumn: "driver"))
            }
            return RunSummaryRow(
                id: id, startedAt: date(milliseconds: try row.decode(forColumn: "started_at")),
                finishedAt: finishedAt.map { date(milliseconds: $0) }, status: status,
                label: try row.decode(forColumn: "label"), suite: try row.decode(forColumn: "suite"),
                fingerprintKey: try row.decode(forColumn: "fingerprint_key"),
                gitCommit: try row.decode(forColumn: "git_commit"), pairs: pairs,
                trialCount: try row.decode(forColumn: "trial_count"),
                failedTrialCount: try row.decode(forColumn: "failed_trial_count"),
                warningCount: try row.decode(forColumn: "warning_count"),
                errorCount: try row.decode(forColumn: "error_count"))
        }
    }
}
