import ContainerBenchModel
import Foundation

extension RelationalHistoryStore {
    /// Saves (or replaces) baseline `name` as a copy of the runs' metric samples; see `HistoryStore.saveBaseline`.
    @discardableResult
    public func saveBaseline(name: String, runIDs: [String], description: String) throws -> Baseline {
        guard !name.isEmpty else {
            throw HistoryError(.invalidRecord, path: location, detail: "a baseline needs a name")
        }
        guard !runIDs.isEmpty else {
            throw HistoryError(.runNotFound, path: location, detail: "(none given for baseline \(name))")
        }
        let createdAt = HistoryCoding.date(milliseconds: HistoryCoding.milliseconds(tables.now()))
        return try database.write { connection in
            let keys = try connection.rows(
                "SELECT id, fingerprint_key FROM runs WHERE id IN (\(connection.placeholders(runIDs.count)))",
                runIDs.map { .text($0) })
            var keyByRun: [String: String] = [:]
            for row in keys { keyByRun[try row.decode("id")] = try row.decode("fingerprint_key", as: String.self) }
            if let missing = runIDs.first(where: { keyByRun[$0] == nil }) {
                throw HistoryError(.runNotFound, path: location, detail: missing)
            }
            let distinctKeys = Set(keyByRun.values)
            let baseline = Baseline(
                name: name, createdAt: createdAt, description: description, runIDs: runIDs,
                fingerprintKey: distinctKeys.count == 1 ? distinctKeys.first : nil)
            try Self.replaceBaselineRow(baseline, connection)
            try connection.execute(
                """
                INSERT INTO baseline_samples (baseline_name, run_id, service, driver, metric, scenario, position, value)
                SELECT ?, run_id, service, driver, metric, scenario, position, value FROM metric_values
                WHERE run_id IN (\(connection.placeholders(runIDs.count)))
                """, [.text(name)] + runIDs.map { .text($0) })
            return baseline
        }
    }

    /// Every baseline, by name.
    public func baselines() throws -> [Baseline] {
        try database.read { connection in
            try connection.fetch(BaselineRow.self, "SELECT * FROM baselines", []).map(Self.baseline(from:))
                .sorted { $0.name < $1.name }
        }
    }

    /// The baseline called `name`, or nil.
    public func baseline(named name: String) throws -> Baseline? {
        try database.read { connection in try Self.baseline(named: name, connection) }
    }

    /// Deletes baseline `name` and its samples. Returns whether it existed.
    @discardableResult
    public func deleteBaseline(name: String) throws -> Bool {
        try database.write { connection in
            try !connection.rows("DELETE FROM baselines WHERE name = ? RETURNING name", name).isEmpty
        }
    }

    /// The samples kept by baseline `name`, pooled per pair and metric; build metrics from `scenario`.
    public func samples(baseline name: String, scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [Double]]]
    {
        let (baseline, rows) = try baselineValues(name, scenario: scenario)
        return Self.pool(rows, runOrder: baseline.runIDs)
    }

    /// The samples kept by baseline `name` per run; see `HistoryStore.perRunSamples(baseline:scenario:)`.
    public func perRunSamples(baseline name: String, scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [String: [Double]]]]
    {
        Self.byRun(try baselineValues(name, scenario: scenario).1)
    }

    private func baselineValues(_ name: String, scenario: BuildScenario) throws -> (Baseline, [MetricValueRow]) {
        try database.read { connection in
            guard let baseline = try Self.baseline(named: name, connection) else {
                throw HistoryError(.baselineNotFound, path: location, detail: name)
            }
            let rows = try connection.fetch(
                BaselineSampleRow.self,
                """
                SELECT * FROM baseline_samples WHERE baseline_name = ? AND scenario IN ('-', ?)
                ORDER BY run_id, service, driver, metric, position
                """, [.text(name), .text(scenario.rawValue)])
            return (
                baseline,
                rows.map {
                    MetricValueRow(
                        runID: $0.runID, service: $0.service, driver: $0.driver, metric: $0.metric,
                        scenario: $0.scenario, position: $0.position, value: $0.value)
                }
            )
        }
    }

    /// Baseline `name` as `BaselineFile` JSON: pretty-printed with sorted keys so that a diff in git is readable.
    /// - Throws: `HistoryError` with code `baselineNotFound`.
    public func exportBaseline(name: String) throws -> Data {
        let file: BaselineFile = try database.read { connection in
            guard let baseline = try Self.baseline(named: name, connection) else {
                throw HistoryError(.baselineNotFound, path: location, detail: name)
            }
            let rows = try connection.fetch(
                BaselineSampleRow.self,
                """
                SELECT * FROM baseline_samples WHERE baseline_name = ?
                ORDER BY run_id, service, driver, metric, scenario, position
                """, [.text(name)])
            var entries: [BaselineFile.Entry] = []
            for row in rows {
                if let last = entries.last, last.runID == row.runID, last.service == row.service,
                    last.driver == row.driver, last.metric == row.metric, last.scenario == row.scenario
                {
                    entries[entries.count - 1].values.append(row.value)
                } else {
                    entries.append(
                        BaselineFile.Entry(
                            runID: row.runID, service: row.service, driver: row.driver, metric: row.metric,
                            scenario: row.scenario, values: [row.value]))
                }
            }
            return BaselineFile(baseline: baseline, samples: entries)
        }
        let encoder = HistoryCoding.jsonEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(BaselineDates.iso8601(date))
        }
        do {
            return try encoder.encode(file)
        } catch {
            throw HistoryError(.ioFailure, path: location, detail: "cannot encode baseline \(name): \(error)")
        }
    }

    /// Stores the baseline in `data`; see `HistoryStore.importBaseline(_:source:replacing:)`.
    @discardableResult
    public func importBaseline(_ data: Data, source: String, replacing: Bool = false) throws -> Baseline {
        let file = try BaselineDates.decodeFile(data, source: source)
        let baseline = file.baseline
        return try database.write { connection in
            if try Self.baseline(named: baseline.name, connection) != nil && !replacing {
                throw HistoryError(.baselineExists, path: location, detail: baseline.name)
            }
            try Self.replaceBaselineRow(baseline, connection)
            var rows: [BaselineSampleRow] = []
            for entry in file.samples {
                for (position, value) in entry.values.enumerated() {
                    rows.append(
                        BaselineSampleRow(
                            baselineName: baseline.name, runID: entry.runID, service: entry.service,
                            driver: entry.driver, metric: entry.metric, scenario: entry.scenario, position: position,
                            value: value))
                }
            }
            try connection.insert(rows)
            return try Self.baseline(named: baseline.name, connection) ?? baseline
        }
    }

    /// Acknowledges a change of `metric` from run `fromRun` on; see `HistoryStore.acknowledge`.
    @discardableResult
    public func acknowledge(service: String, driver: String, metric: Metric, fromRun: String, note: String) throws
        -> Annotation
    {
        let createdAt = HistoryCoding.milliseconds(tables.now())
        return try database.write { connection in
            guard try !connection.rows("SELECT id FROM runs WHERE id = ?", fromRun).isEmpty else {
                throw HistoryError(.runNotFound, path: location, detail: fromRun)
            }
            let row = AnnotationRow(
                id: nil, service: service, driver: driver, metric: metric.rawValue, fromRunID: fromRun, note: note,
                createdAt: createdAt)
            let id = try connection.insert([row], returning: ["id"]).first?.decode("id", as: Int64.self) ?? 0
            return Annotation(
                id: id, service: service, driver: driver, metric: metric, fromRunID: fromRun, note: note,
                createdAt: HistoryCoding.date(milliseconds: createdAt))
        }
    }

    /// Stores `annotation` unless an equal one (same cell, run, note and date) exists; see
    /// `HistoryStore.addAnnotation(_:)`.
    @discardableResult
    public func addAnnotation(_ annotation: Annotation) throws -> Bool {
        let createdAt = HistoryCoding.milliseconds(annotation.createdAt)
        return try database.write { connection in
            guard try !connection.rows("SELECT id FROM runs WHERE id = ?", annotation.fromRunID).isEmpty else {
                throw HistoryError(.runNotFound, path: location, detail: annotation.fromRunID)
            }
            let existing = try connection.rows(
                """
                SELECT id FROM annotations WHERE service = ? AND driver = ? AND metric = ? AND from_run_id = ?
                AND note = ? AND created_at = ?
                """, annotation.service, annotation.driver, annotation.metric.rawValue, annotation.fromRunID,
                annotation.note, createdAt)
            guard existing.isEmpty else { return false }
            try connection.insert([
                AnnotationRow(
                    id: nil, service: annotation.service, driver: annotation.driver,
                    metric: annotation.metric.rawValue, fromRunID: annotation.fromRunID, note: annotation.note,
                    createdAt: createdAt)
            ])
            return true
        }
    }

    /// Every annotation, oldest first; annotations of metrics this binary does not know are left out.
    public func annotations() throws -> [Annotation] {
        try database.read { connection in
            try connection.fetch(AnnotationRow.self, "SELECT * FROM annotations ORDER BY id", []).compactMap { row in
                guard let metric = Metric(rawValue: row.metric) else { return nil }
                return Annotation(
                    id: row.id ?? 0, service: row.service, driver: row.driver, metric: metric,
                    fromRunID: row.fromRunID, note: row.note, createdAt: HistoryCoding.date(milliseconds: row.createdAt)
                )
            }
        }
    }

    private static func baseline(named name: String, _ connection: any HistoryConnection) throws -> Baseline? {
        try connection.fetch(BaselineRow.self, "SELECT * FROM baselines WHERE name = ?", [.text(name)]).first
            .map(baseline(from:))
    }

    private static func replaceBaselineRow(_ baseline: Baseline, _ connection: any HistoryConnection) throws {
        try connection.execute("DELETE FROM baselines WHERE name = ?", baseline.name)
        try connection.insert([
            BaselineRow(
                name: baseline.name, createdAt: HistoryCoding.milliseconds(baseline.createdAt),
                description: baseline.description, runIds: try HistoryCoding.json(baseline.runIDs),
                fingerprintKey: baseline.fingerprintKey)
        ])
    }

    private static func baseline(from row: BaselineRow) throws -> Baseline {
        Baseline(
            name: row.name, createdAt: HistoryCoding.date(milliseconds: row.createdAt), description: row.description,
            runIDs: try HistoryCoding.decodeJSON([String].self, row.runIds, "baseline \(row.name)'s run ids"),
            fingerprintKey: row.fingerprintKey)
    }
}
