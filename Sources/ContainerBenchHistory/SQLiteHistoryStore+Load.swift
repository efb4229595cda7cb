import ContainerBenchModel
import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// The run with `id` as saved, or nil; see `HistoryStore.run(id:)`.
    public func run(id: String) throws -> RunRecord? {
        try read { db in try Self.loadRun(id: id, db) }
    }

    /// The evaluation saved with run `runID`, or nil; see `HistoryStore.evaluation(runID:)`.
    public func evaluation(runID: String) throws -> Evaluation? {
        try read { db in try Self.loadEvaluation(runID: runID, path: path, db) }
    }

    /// Reads one run and everything it measured, in the order it was saved.
    static func loadRun(id: String, _ db: Database) throws -> RunRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let statusText: String = try row.decode(forColumn: "status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw corruptValue("status", statusText, runID: id, db)
        }
        let finishedAt: Int64? = try row.decode(forColumn: "finished_at")
        var run = RunRecord(
            id: id, startedAt: date(milliseconds: try row.decode(forColumn: "started_at")),
            finishedAt: finishedAt.map { date(milliseconds: $0) }, status: status,
            label: try row.decode(forColumn: "label"), suite: try row.decode(forColumn: "suite"),
            environment: try loadEnvironment(runID: id, db)
        )
        run.builds = try loadBuilds(runID: id, db)
        run.images = try loadImages(runID: id, db)
        run.trials = try loadTrials(runID: id, isFloor: false, db)
        run.floorTrials = try loadTrials(runID: id, isFloor: true, db)
        run.warnings = try String.fetchAll(
            db, sql: "SELECT message FROM run_messages WHERE run_id = ? AND kind = 'warning' ORDER BY position",
            arguments: [id])
        run.errors = try String.fetchAll(
            db, sql: "SELECT message FROM run_messages WHERE run_id = ? AND kind = 'error' ORDER BY position",
            arguments: [id])
        return run
    }

    private static func loadEnvironment(runID: String, _ db: Database) throws -> EnvironmentFingerprint {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM environments WHERE run_id = ?", arguments: [runID])
        else {
            throw corruptValue("environment", "missing", runID: runID, db)
        }
        let decoder = jsonDecoder()
        let baseImages: String = try row.decode(forColumn: "base_images")
        let lockHashes: String = try row.decode(forColumn: "lock_hashes")
        let baseImageUses: String = try row.decode(forColumn: "base_image_uses")
        let engineHost: String? = try row.decode(forColumn: "engine_host")
        return EnvironmentFingerprint(
            kernel: try row.decode(forColumn: "kernel"), cpuModel: try row.decode(forColumn: "cpu_model"),
            cpuCores: try row.decode(forColumn: "cpu_cores"), memoryBytes: try row.decode(forColumn: "memory_bytes"),
            engineVersion: try row.decode(forColumn: "engine_version"),
            apiVersion: try row.decode(forColumn: "api_version"),
            storageDriver: try row.decode(forColumn: "storage_driver"),
            cgroupVersion: try row.decode(forColumn: "cgroup_version"),
            buildClient: try row.decode(forColumn: "build_client"),
            harnessVersion: try row.decode(forColumn: "harness_version"),
            baseImages: try decoder.decode([String: String].self, from: Data(baseImages.utf8)),
            baseImageUses: try decoder.decode([BaseImageUse].self, from: Data(baseImageUses.utf8)),
            lockHashes: try decoder.decode([String: String].self, from: Data(lockHashes.utf8)),
            gitCommit: try row.decode(forColumn: "git_commit"), gitDirty: try row.decode(forColumn: "git_dirty"),
            limits: try row.decode(forColumn: "limits"), indexMode: try row.decode(forColumn: "index_mode"),
            engineHost: try engineHost.map { try decoder.decode(EngineHostFacts.self, from: Data($0.utf8)) }
        )
    }

    private static func loadBuilds(runID: String, _ db: Database) throws -> [BuildRecord] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM builds WHERE run_id = ? ORDER BY position", arguments: [runID])
        var steps: [Int64: [BuildStep]] = [:]
        let stepRows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.* FROM build_steps s JOIN builds b ON b.id = s.build_id
                WHERE b.run_id = ? ORDER BY s.build_id, s.position
                """,
            arguments: [runID])
        for row in stepRows {
            let step = BuildStep(
                name: try row.decode(forColumn: "name"), seconds: try row.decode(forColumn: "seconds"),
                cached: try row.decode(forColumn: "cached"))
            steps[try row.decode(Int64.self, forColumn: "build_id"), default: []].append(step)
        }
        return try rows.map { row in
            let scenarioText: String = try row.decode(forColumn: "scenario")
            guard let scenario = BuildScenario(rawValue: scenarioText) else {
                throw corruptValue("build scenario", scenarioText, runID: runID, db)
            }
            return BuildRecord(
                service: try row.decode(forColumn: "service"), driver: try row.decode(forColumn: "driver"),
                scenario: scenario, seconds: try row.decode(forColumn: "seconds"),
                succeeded: try row.decode(forColumn: "succeeded"), imageID: try row.decode(forColumn: "image_id"),
                steps: steps[try row.decode(Int64.self, forColumn: "id")] ?? [],
                logTail: try row.decode(forColumn: "log_tail"))
        }
    }

    private static func loadImages(runID: String, _ db: Database) throws -> [ImageRecord] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM images WHERE run_id = ? ORDER BY position", arguments: [runID])
        var layers: [Int64: [ImageLayer]] = [:]
        let layerRows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.* FROM image_layers l JOIN images i ON i.id = l.image_id
                WHERE i.run_id = ? ORDER BY l.image_id, l.position
                """,
            arguments: [runID])
        for row in layerRows {
            let layer = ImageLayer(
                createdBy: try row.decode(forColumn: "created_by"), bytes: try row.decode(forColumn: "bytes"))
            layers[try row.decode(Int64.self, forColumn: "image_id"), default: []].append(layer)
        }
        return try rows.map { row in
            ImageRecord(
                service: try row.decode(forColumn: "service"), driver: try row.decode(forColumn: "driver"),
                imageID: try row.decode(forColumn: "image_id"), bytes: try row.decode(forColumn: "bytes"),
                compressedBytes: try row.decode(forColumn: "compressed_bytes"),
                baseBytes: try row.decode(forColumn: "base_bytes"),
                layers: layers[try row.decode(Int64.self, forColumn: "id")] ?? [],
                user: try row.decode(forColumn: "user"), hasHealthcheck: try row.decode(forColumn: "has_healthcheck"))
        }
    }

    private static func loadTrials(runID: String, isFloor: Bool, _ db: Database) throws -> [TrialRecord] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM trials WHERE run_id = ? AND is_floor = ? ORDER BY position",
            arguments: [runID, isFloor])
        var samples: [Int64: [MemorySample]] = [:]
        let sampleRows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.* FROM memory_samples s JOIN trials t ON t.id = s.trial_id
                WHERE t.run_id = ? AND t.is_floor = ? ORDER BY s.trial_id, s.position
                """,
            arguments: [runID, isFloor])
        for row in sampleRows {
            let sample = MemorySample(
                t: try row.decode(forColumn: "t"), usageBytes: try row.decode(forColumn: "usage_bytes"),
                workingSetBytes: try row.decode(forColumn: "working_set_bytes"),
                rssBytes: try row.decode(forColumn: "rss_bytes"), cacheBytes: try row.decode(forColumn: "cache_bytes"))
            samples[try row.decode(Int64.self, forColumn: "trial_id"), default: []].append(sample)
        }
        return try rows.map { row in
            var memory: MemorySummary?
            if let peak: Int64 = try row.decode(forColumn: "memory_peak_bytes") {
                memory = MemorySummary(
                    peakBytes: peak, workingSetPeakBytes: try row.decode(forColumn: "memory_working_set_peak_bytes"),
                    rssPeakBytes: try row.decode(forColumn: "memory_rss_peak_bytes"),
                    sampleCount: try row.decode(forColumn: "memory_sample_count"),
                    meanIntervalSeconds: try row.decode(forColumn: "memory_mean_interval_s"))
            }
            var load: LoadResult?
            if let requests: Int = try row.decode(forColumn: "load_requests") {
                load = LoadResult(
                    requests: requests, failures: try row.decode(forColumn: "load_failures"),
                    concurrency: try row.decode(forColumn: "load_concurrency"),
                    seconds: try row.decode(forColumn: "load_seconds"),
                    latencyP50: try row.decode(forColumn: "load_latency_p50_s"),
                    latencyP95: try row.decode(forColumn: "load_latency_p95_s"),
                    latencyMax: try row.decode(forColumn: "load_latency_max_s"),
                    memoryPeakBytes: try row.decode(forColumn: "load_memory_peak_bytes"))
            }
            let phases = StartupPhases(
                created: try row.decode(forColumn: "created_s"), started: try row.decode(forColumn: "started_s"),
                running: try row.decode(forColumn: "running_s"), firstTCP: try row.decode(forColumn: "first_tcp_s"),
                ready: try row.decode(forColumn: "ready_s"), healthy: try row.decode(forColumn: "healthy_s"))
            return TrialRecord(
                service: try row.decode(forColumn: "service"), driver: try row.decode(forColumn: "driver"),
                index: try row.decode(forColumn: "trial_index"), succeeded: try row.decode(forColumn: "succeeded"),
                failure: try failure(of: row), phases: phases, memory: memory,
                samples: samples[try row.decode(Int64.self, forColumn: "id")] ?? [], load: load,
                coldCache: try row.decode(forColumn: "cold_cache"),
                provenance: try provenance(of: row))
        }
    }

    /// A trial's provenance (schema v4 on); nil in older runs.
    static func provenance(of row: Row) throws -> MeasurementProvenance? {
        guard let text: String = try row.decode(forColumn: "provenance") else { return nil }
        return try jsonDecoder().decode(MeasurementProvenance.self, from: Data(text.utf8))
    }

    /// A trial's failure: the stored case (schema v3 on), or the text of an older file as an `unknown` case.
    static func failure(of row: Row) throws -> TrialFailure? {
        if let detail: String = try row.decode(forColumn: "failure_detail"),
            let decoded = try? jsonDecoder().decode(TrialFailure.self, from: Data(detail.utf8))
        {
            return decoded
        }
        let text: String? = try row.decode(forColumn: "failure")
        return text.map { TrialFailure(.unknown, $0) }
    }

    static func loadEvaluation(runID: String, path: String, _ db: Database) throws -> Evaluation? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM evaluations WHERE run_id = ?", arguments: [runID])
        else { return nil }
        var evaluation = Evaluation(
            runID: try row.decode(forColumn: "evaluated_run_id"),
            baselineDescription: try row.decode(forColumn: "baseline_description"))
        let decoder = jsonDecoder()
        let rows = try Row.fetchAll(
            db, sql: "SELECT kind, payload FROM verdicts WHERE run_id = ? ORDER BY kind, position",
            arguments: [runID])
        for row in rows {
            let kind: String = try row.decode(forColumn: "kind")
            let payload = Data(try row.decode(String.self, forColumn: "payload").utf8)
            do {
                switch kind {
                case "budget": evaluation.budgets.append(try decoder.decode(BudgetVerdict.self, from: payload))
                case "ratio": evaluation.ratios.append(try decoder.decode(RatioVerdict.self, from: payload))
                case "regression":
                    evaluation.regressions.append(try decoder.decode(RegressionFinding.self, from: payload))
                case "policy": evaluation.policy.append(try decoder.decode(PolicyFinding.self, from: payload))
                default: throw HistoryError(.corrupt, path: path, detail: "unknown verdict kind \(kind)")
                }
            } catch let error as DecodingError {
                throw HistoryError(.corrupt, path: path, detail: "verdict of run \(runID): \(error)")
            }
        }
        return evaluation
    }

    /// An error about an impossible stored value; `read` fills in the path.
    private static func corruptValue(_ what: String, _ value: String, runID: String, _ db: Database) -> HistoryError {
        HistoryError(.corrupt, path: "", detail: "run \(runID) has \(what) '\(value)'")
    }
}
