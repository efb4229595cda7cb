import ContainerBenchModel
import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Saves (or replaces) baseline `name` as a copy of the runs' metric samples; see `HistoryStore.saveBaseline`.
    @discardableResult
    public func saveBaseline(name: String, runIDs: [String], description: String) throws -> Baseline {
        guard !name.isEmpty else {
            throw HistoryError(.invalidRecord, path: path, detail: "a baseline needs a name")
        }
        guard !runIDs.isEmpty else {
            throw HistoryError(.runNotFound, path: path, detail: "(none given for baseline \(name))")
        }
        let createdAt = Date(timeIntervalSince1970: Double(Self.milliseconds(now())) / 1000)
        return try write { db in
            let keys = try Row.fetchAll(
                db, sql: "SELECT id, fingerprint_key FROM runs WHERE id IN (\(Self.placeholders(runIDs.count)))",
                arguments: StatementArguments(runIDs))
            var keyByRun: [String: String] = [:]
            for row in keys {
                keyByRun[try row.decode(forColumn: "id")] = try row.decode(forColumn: "fingerprint_key")
            }
            if let missing = runIDs.first(where: { keyByRun[$0] == nil }) {
                throw HistoryError(.runNotFound, path: path, detail: missing)
            }
            let distinctKeys = Set(keyByRun.values)
            let baseline = Baseline(
                name: name, createdAt: createdAt, description: description, runIDs: runIDs,
                fingerprintKey: distinctKeys.count == 1 ? distinctKeys.first : nil)
            try Self.replaceBaselineRow(baseline, db)
            try db.execute(
                sql: """
                    INSERT INTO baseline_samples (baseline_name, run_id, service, driver, metric, scenario, position,
                        value)
                    SELECT ?, run_id, service, driver, metric, scenario, position, value FROM metric_values
                    WHERE run_id IN (\(Self.placeholders(runIDs.count)))
                    """,
                arguments: StatementArguments([name] + runIDs))
            return baseline
        }
    }

    /// Every baseline, by name.
    public func baselines() throws -> [Baseline] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM baselines ORDER BY name").map(Self.baseline(from:))
        }
    }

    /// The baseline called `name`, or nil.
    public func baseline(named name: String) throws -> Baseline? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM baselines WHERE name = ?", arguments: [name])
                .map(Self.baseline(from:))
        }
    }

    /// Deletes baseline `name` and its samples. Returns whether it existed.
    @discardableResult
    public func deleteBaseline(name: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM baselines WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// The samples kept by baseline `name`, pooled per pair and metric; build metrics from `scenario`.
    public func samples(baseline name: String, scenario: BuildScenario = .cold) throws
        -> [ServiceDriver: [Metric: [Double]]]
    {
        try read { db in
            guard
                let baseline = try Row.fetchOne(db, sql: "SELECT * FROM baselines WHERE name = ?", arguments: [name])
                    .map(Self.baseline(from:))
            else {
                throw HistoryError(.baselineNotFound, path: path, detail: name)
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, service, driver, metric, value FROM baseline_samples
                    WHERE baseline_name = ? AND scenario IN ('-', ?)
                    ORDER BY run_id, service, driver, metric, position
                    """,
                arguments: [name, scenario.rawValue])
            return try Self.pool(rows, runOrder: baseline.runIDs)
        }
    }

    /// Baseline `name` as `BaselineFile` JSON: pretty-printed with sorted keys so that a diff in git is readable.
    /// - Throws: `HistoryError` with code `baselineNotFound`.
    public func exportBaseline(name: String) throws -> Data {
        let file: BaselineFile = try read { db in
            guard
                let baseline = try Row.fetchOne(db, sql: "SELECT * FROM baselines WHERE name = ?", arguments: [name])
                    .map(Self.baseline(from:))
            else {
                throw HistoryError(.baselineNotFound, path: path, detail: name)
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, service, driver, metric, scenario, value FROM baseline_samples
                    WHERE baseline_name = ? ORDER BY run_id, service, driver, metric, scenario, position
                    """,
                arguments: [name])
            var entries: [BaselineFile.Entry] = []
            for row in rows {
                let entry = BaselineFile.Entry(
                    runID: try row.decode(forColumn: "run_id"), service: try row.decode(forColumn: "service"),
                    driver: try row.decode(forColumn: "driver"), metric: try row.decode(forColumn: "metric"),
                    scenario: try row.decode(forColumn: "scenario"), values: [])
                if let last = entries.last, last.runID == entry.runID, last.service == entry.service,
                    last.driver == entry.driver, last.metric == entry.metric, last.scenario == entry.scenario
                {
                    entries[entries.count - 1].values.append(try row.decode(forColumn: "value"))
                } else {
                    var first = entry
                    first.values = [try row.decode(forColumn: "value")]
                    entries.append(first)
                }
            }
            return BaselineFile(baseline: baseline, samples: entries)
        }
        let encoder = Self.jsonEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.iso8601(date))
        }
        do {
            return try encoder.encode(file)
        } catch {
            throw HistoryError(.ioFailure, path: path, detail: "cannot encode baseline \(name): \(error)")
        }
    }

    /// Stores the baseline in `data`; see `HistoryStore.importBaseline(_:source:replacing:)`.
    @discardableResult
    public func importBaseline(_ data: Data, source: String, replacing: Bool = false) throws -> Baseline {
        let decoder = Self.jsonDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Self.date(iso8601: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 date")
            }
            return date
        }
        let file: BaselineFile
        do {
            let header = try decoder.decode(BaselineFileHeader.self, from: data)
            guard header.format == BaselineFile.formatName else {
                throw HistoryError(
                    .invalidBaselineFile, path: source,
                    detail: "format is '\(header.format)', expected '\(BaselineFile.formatName)'")
            }
            guard header.version <= BaselineFile.currentVersion else {
                throw HistoryError(
                    .invalidBaselineFile, path: source,
                    detail: "format version \(header.version) is newer than this binary's "
                        + "\(BaselineFile.currentVersion): use a newer containerbench")
            }
            file = try decoder.decode(BaselineFile.self, from: data)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(.invalidBaselineFile, path: source, detail: "\(error)")
        }
        let baseline = file.baseline
        guard !baseline.name.isEmpty else {
            throw HistoryError(.invalidBaselineFile, path: source, detail: "the baseline has no name")
        }
        return try write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM baselines WHERE name = ?)", arguments: [baseline.name])
            if exists == true && !replacing {
                throw HistoryError(.baselineExists, path: path, detail: baseline.name)
            }
            try Self.replaceBaselineRow(baseline, db)
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO baseline_samples (baseline_name, run_id, service, driver, metric, scenario, position,
                        value)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for entry in file.samples {
                for (position, value) in entry.values.enumerated() {
                    try statement.execute(arguments: [
                        baseline.name, entry.runID, entry.service, entry.driver, entry.metric, entry.scenario,
                        position, value,
                    ])
                }
            }
            return try Row.fetchOne(db, sql: "SELECT * FROM baselines WHERE name = ?", arguments: [baseline.name])
                .map(Self.baseline(from:)) ?? baseline
        }
    }

    /// Acknowledges a change of `metric` from run `fromRun` on; see `HistoryStore.acknowledge`.
    @discardableResult
    public func acknowledge(service: String, driver: String, metric: Metric, fromRun: String, note: String) throws
        -> Annotation
    {
        let createdAt = Self.milliseconds(now())
        return try write { db in
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", arguments: [fromRun])
            guard exists == true else {
                throw HistoryError(.runNotFound, path: path, detail: fromRun)
            }
            try db.execute(
                sql: """
                    INSERT INTO annotations (service, driver, metric, from_run_id, note, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [service, driver, metric.rawValue, fromRun, note, createdAt])
            return Annotation(
                id: db.lastInsertedRowID, service: service, driver: driver, metric: metric, fromRunID: fromRun,
                note: note, createdAt: Self.date(milliseconds: createdAt))
        }
    }

    /// Every annotation, oldest first; annotations of metrics this binary does not know are left out.
    public func annotations() throws -> [Annotation] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM annotations ORDER BY id").compactMap { row in
                guard let metric = Metric(rawValue: try row.decode(String.self, forColumn: "metric")) else {
                    return nil
                }
                return Annotation(
                    id: try row.decode(forColumn: "id"), service: try row.decode(forColumn: "service"),
                    driver: try row.decode(forColumn: "driver"), metric: metric,
                    fromRunID: try row.decode(forColumn: "from_run_id"), note: try row.decode(forColumn: "note"),
                    createdAt: Self.date(milliseconds: try row.decode(forColumn: "created_at")))
            }
        }
    }

    private static func replaceBaselineRow(_ baseline: Baseline, _ db: Database) throws {
        let runIDs = String(decoding: try jsonEncoder().encode(baseline.runIDs), as: UTF8.self)
        try db.execute(sql: "DELETE FROM baselines WHERE name = ?", arguments: [baseline.name])
        try db.execute(
            sql: """
                INSERT INTO baselines (name, created_at, description, run_ids, fingerprint_key)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                baseline.name, milliseconds(baseline.createdAt), baseline.description, runIDs,
                baseline.fingerprintKey,
            ])
    }

    private static func baseline(from row: Row) throws -> Baseline {
        let runIDs: String = try row.decode(forColumn: "run_ids")
        return Baseline(
            name: try row.decode(forColumn: "name"),
            createdAt: date(milliseconds: try row.decode(forColumn: "created_at")),
            description: try row.decode(forColumn: "description"),
            runIDs: try jsonDecoder().decode([String].self, from: Data(runIDs.utf8)),
            fingerprintKey: try row.decode(forColumn: "fingerprint_key"))
    }

    /// `2026-11-29T01:30:00.123Z`: ISO 8601 in UTC with milliseconds.
    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses ISO 8601 with or without fractional seconds, rounded to the millisecond as the store keeps dates.
    static func date(iso8601 text: String) -> Date? {
        let parsed =
            (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
        return parsed.map { date(milliseconds: milliseconds($0)) }
    }
}

/// The first fields of a baseline file, read before the rest so that a newer version gets a clear message.
private struct BaselineFileHeader: Decodable {
    var format: String
    var version: Int
}
