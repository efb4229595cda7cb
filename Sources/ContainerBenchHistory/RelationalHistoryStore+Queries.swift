import ContainerBenchModel
import Foundation

extension RelationalHistoryStore {
    /// Runs matching `filter`, newest first; see `HistoryStore.runs(filter:)`.
    public func runs(filter: RunFilter) throws -> [RunSummaryRow] {
        let (conditions, arguments) = Self.conditions(of: filter)
        return try database.read { connection in
            try Self.summaries(where: conditions, arguments: arguments, limit: filter.limit, connection)
        }
    }

    /// How many runs match `filter`; see `HistoryStore.countRuns(filter:)`.
    public func countRuns(filter: RunFilter) throws -> Int {
        let (conditions, arguments) = Self.conditions(of: filter)
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try database.read { connection in
            try connection.scalar(Int.self, "SELECT count(*) FROM runs r" + whereClause, arguments) ?? 0
        }
    }

    /// The newest run with `status` and `label` (any when nil); see `HistoryStore.latestRun(status:label:)`.
    public func latestRun(status: RunStatus?, label: String?) throws -> RunRecord? {
        let (conditions, arguments) = Self.conditions(of: RunFilter(label: label, status: status))
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try database.read { connection in
            let id = try connection.scalar(
                String.self, "SELECT r.id FROM runs r\(whereClause) ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
                arguments)
            return try id.flatMap { try HistoryRunReader.run(id: $0, connection) }
        }
    }

    /// Removes a run and, through the foreign keys, everything it measured; see `HistoryStore.deleteRun(id:)`.
    @discardableResult
    public func deleteRun(id: String) throws -> Bool {
        try database.write { connection in
            try !connection.rows("DELETE FROM runs WHERE id = ? RETURNING id", id).isEmpty
        }
    }

    /// The per-run samples of one metric across completed runs, oldest first; see `HistoryStore.series`. The runs
    /// come from the summary table's series index in date order, so only the newest `limit` are read.
    public func series(
        service: String, driver: String, metric: Metric, scenario: BuildScenario = .cold, since: Date? = nil,
        limit: Int? = nil
    ) throws -> [SeriesPoint] {
        let key = HistoryCoding.scenarioKey(metric, scenario)
        let cell: [HistoryValue] = [.text(service), .text(driver), .text(metric.rawValue), .text(key)]
        var arguments = cell
        var chosen = """
            SELECT s.run_id, s.started_at FROM metric_summaries s
            WHERE s.service = ? AND s.driver = ? AND s.metric = ? AND s.scenario = ? AND s.status = 'completed'
            """
        if let since {
            chosen += " AND s.started_at >= ?"
            arguments.append(.integer(HistoryCoding.milliseconds(since)))
        }
        chosen += " ORDER BY s.started_at DESC, s.run_id DESC"
        if let limit {
            chosen += " LIMIT ?"
            arguments.append(.integer(Int64(max(0, limit))))
        }
        let rows = try database.read { connection in
            try connection.rows(
                """
                WITH chosen AS (\(chosen))
                SELECT c.run_id, c.started_at, r.label, r.fingerprint_key, v.value
                FROM chosen c JOIN runs r ON r.id = c.run_id
                JOIN metric_values v ON v.run_id = c.run_id AND v.service = ? AND v.driver = ? AND v.metric = ?
                    AND v.scenario = ?
                ORDER BY c.started_at, c.run_id, v.position
                """, arguments + cell)
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
                let id: String = try row.decode("run_id")
                if current?.id != id {
                    flush()
                    current = (
                        id, HistoryCoding.date(milliseconds: try row.decode("started_at")), try row.decode("label"),
                        try row.decode("fingerprint_key"), []
                    )
                }
                current?.values.append(try row.decode("value"))
            }
        } catch {
            throw HistoryError.wrapping(error, path: location)
        }
        flush()
        return points
    }

    /// One metric's per-run medians; see `HistoryStore.metricListing(filter:metric:)`. Runs are walked newest first
    /// and the limit is applied to them in SQL; the medians come from the summary table.
    public func metricListing(filter: RunFilter, metric: Metric) throws -> [HistoryListing.MetricPoint] {
        let key = HistoryCoding.scenarioKey(metric, .cold)
        var cell = "s.metric = ? AND s.scenario = ?"
        var cellArguments: [HistoryValue] = [.text(metric.rawValue), .text(key)]
        if let service = filter.service {
            cell += " AND s.service = ?"
            cellArguments.append(.text(service))
        }
        if let driver = filter.driver {
            cell += " AND s.driver = ?"
            cellArguments.append(.text(driver))
        }
        // The run filter's own conditions (completed runs unless it names a status); service and driver select
        // the cells instead.
        var runs = filter
        runs.status = filter.status ?? .completed
        runs.service = nil
        runs.driver = nil
        var (conditions, arguments) = Self.conditions(of: runs)
        conditions.append("EXISTS (SELECT 1 FROM metric_summaries s WHERE s.run_id = r.id AND \(cell))")
        arguments += cellArguments
        var chosen = """
            SELECT r.id, r.started_at, r.label FROM runs r WHERE \(conditions.joined(separator: " AND "))
            ORDER BY r.started_at DESC, r.id DESC
            """
        if let limit = filter.limit {
            chosen += " LIMIT ?"
            arguments.append(.integer(Int64(max(0, limit))))
        }
        let rows = try database.read { connection in
            try connection.rows(
                """
                WITH chosen AS (\(chosen))
                SELECT c.id, c.started_at, c.label, s.service, s.driver, s.median, s.n
                FROM chosen c JOIN metric_summaries s ON s.run_id = c.id
                WHERE \(cell)
                """, arguments + cellArguments)
        }
        do {
            let points = try rows.map { row in
                HistoryListing.MetricPoint(
                    runID: try row.decode("id"),
                    startedAt: HistoryCoding.date(milliseconds: try row.decode("started_at")),
                    label: try row.decode("label"), service: try row.decode("service"),
                    driver: try row.decode("driver"),
                    median: try row.decode("median"), n: try row.decode("n"))
            }
            return points.sorted { left, right in
                if left.startedAt != right.startedAt { return left.startedAt > right.startedAt }
                return (left.runID, left.service, left.driver) < (right.runID, right.service, right.driver)
            }
        } catch {
            throw HistoryError.wrapping(error, path: location)
        }
    }

    /// The pairs completed runs measured; see `HistoryStore.measuredPairs(since:)`.
    public func measuredPairs(since: Date?) throws -> [ServiceDriver] {
        var sql = "SELECT * FROM series_pairs"
        var arguments: [HistoryValue] = []
        if let since {
            sql += " WHERE last_completed_at >= ?"
            arguments.append(.integer(HistoryCoding.milliseconds(since)))
        }
        let rows = try database.read { connection in try connection.fetch(SeriesPairRow.self, sql, arguments) }
        return rows.map { ServiceDriver(service: $0.service, driver: $0.driver) }
            .sorted { ($0.service, $0.driver) < ($1.service, $1.driver) }
    }

    /// The metric samples of `runIDs`, pooled; see `HistoryStore.samples(runIDs:scenario:)`.
    public func samples(runIDs: [String], scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [Double]]]
    {
        let perRun = try perRunValues(runIDs: runIDs, scenario: scenario)
        return Self.pool(perRun, runOrder: runIDs)
    }

    /// The metric samples of `runIDs` per run; see `HistoryStore.perRunSamples(runIDs:scenario:)`.
    public func perRunSamples(runIDs: [String], scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [String: [Double]]]]
    {
        Self.byRun(try perRunValues(runIDs: runIDs, scenario: scenario))
    }

    /// Each run's median per cell; see `HistoryStore.runMedians(runIDs:scenario:)`.
    public func runMedians(runIDs: [String], scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [RunMedian]]]
    {
        guard !runIDs.isEmpty else { return [:] }
        let rows = try database.read { connection in
            try Self.chunked(runIDs) { chunk in
                try connection.fetch(
                    MetricSummaryRow.self,
                    "SELECT * FROM metric_summaries WHERE run_id IN (\(connection.placeholders(chunk.count)))"
                        + " AND scenario IN ('-', ?)", chunk.map { .text($0) } + [.text(scenario.rawValue)])
            }
        }
        var result: [ServiceDriver: [Metric: [RunMedian]]] = [:]
        for row in rows {
            guard let metric = Metric(rawValue: row.metric) else { continue }
            let point = RunMedian(
                runID: row.runID, startedAt: HistoryCoding.date(milliseconds: row.startedAt), median: row.median,
                n: row.n)
            result[ServiceDriver(service: row.service, driver: row.driver), default: [:]][metric, default: []]
                .append(point)
        }
        for (pair, metrics) in result {
            for (metric, points) in metrics {
                result[pair]?[metric] = points.sorted { ($0.startedAt, $0.runID) < ($1.startedAt, $1.runID) }
            }
        }
        return result
    }

    /// The newest completed runs of one machine kind; see `HistoryStore.lastGoodRuns`.
    public func lastGoodRuns(count: Int, fingerprintKey: String, excluding: Set<String> = []) throws
        -> [RunSummaryRow]
    {
        guard count > 0 else { return [] }
        var conditions = ["r.fingerprint_key = ?", "r.status = 'completed'"]
        var arguments: [HistoryValue] = [.text(fingerprintKey)]
        if !excluding.isEmpty {
            conditions.append("r.id NOT IN (\(Array(repeating: "?", count: excluding.count).joined(separator: ", ")))")
            arguments += excluding.sorted().map { .text($0) }
        }
        return try database.read { connection in
            try Self.summaries(where: conditions, arguments: arguments, limit: count, connection)
        }
    }

    /// The ids of every stored run, oldest first.
    public func runIDs() throws -> [String] {
        try database.read { connection in
            try connection.rows("SELECT id FROM runs ORDER BY started_at, id").map {
                try $0.decode("id", as: String.self)
            }
        }
    }

    /// The metric rows of `runIDs` (`run_id, service, driver, metric, value`, in trial order), after checking that
    /// every run is stored.
    private func perRunValues(runIDs: [String], scenario: BuildScenario) throws -> [MetricValueRow] {
        guard !runIDs.isEmpty else { return [] }
        return try database.read { connection in
            let known = Set(
                try Self.chunked(runIDs) { chunk in
                    try connection.rows(
                        "SELECT id FROM runs WHERE id IN (\(connection.placeholders(chunk.count)))",
                        chunk.map { .text($0) })
                }.map { try $0.decode("id", as: String.self) })
            if let missing = runIDs.first(where: { !known.contains($0) }) {
                throw HistoryError(.runNotFound, path: location, detail: missing)
            }
            return try Self.chunked(runIDs) { chunk in
                try connection.fetch(
                    MetricValueRow.self,
                    """
                    SELECT * FROM metric_values WHERE run_id IN (\(connection.placeholders(chunk.count)))
                    AND scenario IN ('-', ?) ORDER BY run_id, service, driver, metric, position
                    """, chunk.map { .text($0) } + [.text(scenario.rawValue)])
            }
        }
    }

    /// Pools metric rows per pair and metric, runs in `runOrder`, each run's samples in trial order. Metrics this
    /// binary does not know (written by a newer one) are left out.
    static func pool(_ rows: [MetricValueRow], runOrder: [String]) -> [ServiceDriver: [Metric: [Double]]] {
        let rank = Dictionary(runOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = rows.enumerated().sorted { left, right in
            let leftRank = rank[left.element.runID] ?? Int.max
            let rightRank = rank[right.element.runID] ?? Int.max
            if leftRank != rightRank { return leftRank < rightRank }
            if left.element.runID != right.element.runID { return left.element.runID < right.element.runID }
            return left.offset < right.offset
        }
        var result: [ServiceDriver: [Metric: [Double]]] = [:]
        for (_, row) in ordered {
            guard let metric = Metric(rawValue: row.metric) else { continue }
            result[ServiceDriver(service: row.service, driver: row.driver), default: [:]][metric, default: []]
                .append(row.value)
        }
        return result
    }

    /// Groups metric rows per pair, metric and run, each run's samples in the rows' order.
    static func byRun(_ rows: [MetricValueRow]) -> [ServiceDriver: [Metric: [String: [Double]]]] {
        var result: [ServiceDriver: [Metric: [String: [Double]]]] = [:]
        for row in rows {
            guard let metric = Metric(rawValue: row.metric) else { continue }
            result[ServiceDriver(service: row.service, driver: row.driver), default: [:]][metric, default: [:]][
                row.runID, default: []
            ].append(row.value)
        }
        return result
    }

    /// `body` over chunks of `ids` small enough for any database's parameter limit, results concatenated.
    static func chunked<T>(_ ids: [String], _ body: ([String]) throws -> [T]) throws -> [T] {
        var result: [T] = []
        var start = 0
        while start < ids.count {
            result += try body(Array(ids[start..<min(ids.count, start + 900)]))
            start += 900
        }
        return result
    }

    /// The SQL conditions (over alias `r`) and arguments of a run filter, limit aside.
    static func conditions(of filter: RunFilter) -> ([String], [HistoryValue]) {
        var conditions: [String] = []
        var arguments: [HistoryValue] = []
        if let status = filter.status {
            conditions.append("r.status = ?")
            arguments.append(.text(status.rawValue))
        }
        if let label = filter.label {
            conditions.append("r.label = ?")
            arguments.append(.text(label))
        }
        if let since = filter.since {
            conditions.append("r.started_at >= ?")
            arguments.append(.integer(HistoryCoding.milliseconds(since)))
        }
        if filter.service != nil || filter.driver != nil {
            var pair = "EXISTS (SELECT 1 FROM run_pairs p WHERE p.run_id = r.id"
            if let service = filter.service {
                pair += " AND p.service = ?"
                arguments.append(.text(service))
            }
            if let driver = filter.driver {
                pair += " AND p.driver = ?"
                arguments.append(.text(driver))
            }
            conditions.append(pair + ")")
        }
        return (conditions, arguments)
    }

    /// Summary rows of the runs matching `conditions` (SQL over alias `r`), newest first: the counts are columns
    /// of `runs`, the pairs one indexed query for all the listed runs.
    static func summaries(
        where conditions: [String], arguments: [HistoryValue], limit: Int?, _ connection: any HistoryConnection
    ) throws -> [RunSummaryRow] {
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = """
            SELECT r.*, e.git_commit FROM runs r LEFT JOIN environments e ON e.run_id = r.id
            \(whereClause)
            ORDER BY r.started_at DESC, r.id DESC
            """
        var all = arguments
        if let limit {
            sql += " LIMIT ?"
            all.append(.integer(Int64(max(0, limit))))
        }
        let rows = try connection.rows(sql, all)
        let ids = try rows.map { try $0.decode("id", as: String.self) }
        var pairs: [String: [ServiceDriver]] = [:]
        for pair in try chunked(
            ids,
            { chunk in
                try connection.fetch(
                    RunPairRow.self,
                    "SELECT * FROM run_pairs WHERE run_id IN (\(connection.placeholders(chunk.count)))",
                    chunk.map { .text($0) })
            })
        {
            pairs[pair.runID, default: []].append(ServiceDriver(service: pair.service, driver: pair.driver))
        }
        return try rows.map { row in
            let run = try HistoryRowDecoder.decode(RunRow.self, from: row)
            guard let status = RunStatus(rawValue: run.status) else {
                throw HistoryError(.corrupt, path: "", detail: "run \(run.id) has status '\(run.status)'")
            }
            return RunSummaryRow(
                id: run.id, startedAt: HistoryCoding.date(milliseconds: run.startedAt),
                finishedAt: run.finishedAt.map { HistoryCoding.date(milliseconds: $0) }, status: status,
                label: run.label, suite: run.suite, fingerprintKey: run.fingerprintKey,
                gitCommit: try row.decode("git_commit"),
                pairs: (pairs[run.id] ?? []).sorted { ($0.service, $0.driver) < ($1.service, $1.driver) },
                trialCount: run.trialCount, failedTrialCount: run.failedTrialCount, warningCount: run.warningCount,
                errorCount: run.errorCount)
        }
    }
}
