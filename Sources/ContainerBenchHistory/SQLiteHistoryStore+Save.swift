import ContainerBenchModel
import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Stores `run` and its evaluation in one transaction; see `HistoryStore.save(_:evaluation:)`.
    public func save(_ run: RunRecord, evaluation: Evaluation?) throws {
        try save(run, evaluation: evaluation, beforeCommit: nil)
    }

    /// Stores `run`, calling `beforeCommit` inside the transaction after every row is written: tests use it to
    /// read from another connection while the write is open, or to fail at the last moment. `maximumPageCount`
    /// caps the file's size for this save, which makes SQLite fail as on a full disk.
    package func save(
        _ run: RunRecord, evaluation: Evaluation?, maximumPageCount: Int? = nil,
        beforeCommit: (() throws -> Void)? = nil
    ) throws {
        try write(runID: run.id) { db in
            if let maximumPageCount {
                let previous = try Int.fetchOne(db, sql: "PRAGMA max_page_count") ?? 1_073_741_823
                try db.execute(sql: "PRAGMA max_page_count = \(maximumPageCount)")
                defer { try? db.execute(sql: "PRAGMA max_page_count = \(previous)") }
                try Self.insert(run, db)
            } else {
                try Self.insert(run, db)
            }
            if let evaluation {
                try Self.insert(evaluation, runID: run.id, db)
            }
            try beforeCommit?()
        }
    }

    private static func insert(_ run: RunRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runs (id, started_at, finished_at, status, label, suite, fingerprint_key)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.id, milliseconds(run.startedAt), run.finishedAt.map(milliseconds), run.status.rawValue,
                run.label, run.suite, run.environment.comparabilityKey,
            ]
        )
        try insert(run.environment, runID: run.id, db)
        for (position, build) in run.builds.enumerated() {
            try insert(build, position: position, runID: run.id, db)
        }
        for (position, image) in run.images.enumerated() {
            try insert(image, position: position, runID: run.id, db)
        }
        for (isFloor, trials) in [(false, run.trials), (true, run.floorTrials)] {
            for (position, trial) in trials.enumerated() {
                try insert(trial, isFloor: isFloor, position: position, runID: run.id, db)
            }
        }
        let message = try db.cachedStatement(
            sql: "INSERT INTO run_messages (run_id, kind, position, message) VALUES (?, ?, ?, ?)")
        for (kind, messages) in [("warning", run.warnings), ("error", run.errors)] {
            for (position, text) in messages.enumerated() {
                try message.execute(arguments: [run.id, kind, position, text])
            }
        }
        try insertMetricValues(of: run, db)
    }

    private static func insert(_ environment: EnvironmentFingerprint, runID: String, _ db: Database) throws {
        let encoder = jsonEncoder()
        let baseImages = String(decoding: try encoder.encode(environment.baseImages), as: UTF8.self)
        let baseImageUses = String(decoding: try encoder.encode(environment.baseImageUses), as: UTF8.self)
        let lockHashes = String(decoding: try encoder.encode(environment.lockHashes), as: UTF8.self)
        let engineHost = try environment.engineHost.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO environments (run_id, kernel, cpu_model, cpu_cores, memory_bytes, engine_version,
                    api_version, storage_driver, cgroup_version, build_client, harness_version, base_images,
                    lock_hashes, git_commit, git_dirty, limits, index_mode, base_image_uses, engine_host)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, environment.kernel, environment.cpuModel, environment.cpuCores, environment.memoryBytes,
                environment.engineVersion, environment.apiVersion, environment.storageDriver,
                environment.cgroupVersion, environment.buildClient, environment.harnessVersion, baseImages,
                lockHashes, environment.gitCommit, environment.gitDirty, environment.limits, environment.indexMode,
                baseImageUses, engineHost,
            ]
        )
    }

    private static func insert(_ build: BuildRecord, position: Int, runID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO builds (run_id, position, service, driver, scenario, seconds, succeeded, image_id,
                    log_tail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, position, build.service, build.driver, build.scenario.rawValue, build.seconds,
                build.succeeded, build.imageID, build.logTail,
            ]
        )
        let buildID = db.lastInsertedRowID
        let step = try db.cachedStatement(
            sql: "INSERT INTO build_steps (build_id, position, name, seconds, cached) VALUES (?, ?, ?, ?, ?)")
        for (stepPosition, buildStep) in build.steps.enumerated() {
            try step.execute(arguments: [buildID, stepPosition, buildStep.name, buildStep.seconds, buildStep.cached])
        }
    }

    private static func insert(_ image: ImageRecord, position: Int, runID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO images (run_id, position, service, driver, image_id, bytes, compressed_bytes,
                    base_bytes, user, has_healthcheck)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, position, image.service, image.driver, image.imageID, image.bytes, image.compressedBytes,
                image.baseBytes, image.user, image.hasHealthcheck,
            ]
        )
        let imageRowID = db.lastInsertedRowID
        let layer = try db.cachedStatement(
            sql: "INSERT INTO image_layers (image_id, position, created_by, bytes) VALUES (?, ?, ?, ?)")
        for (layerPosition, imageLayer) in image.layers.enumerated() {
            try layer.execute(arguments: [imageRowID, layerPosition, imageLayer.createdBy, imageLayer.bytes])
        }
    }

    private static func insert(
        _ trial: TrialRecord, isFloor: Bool, position: Int, runID: String, _ db: Database
    ) throws {
        let phases = trial.phases
        let memory = trial.memory
        let load = trial.load
        let failureDetail = try trial.failure.map { String(decoding: try jsonEncoder().encode($0), as: UTF8.self) }
        let provenance = try trial.provenance.map { String(decoding: try jsonEncoder().encode($0), as: UTF8.self) }
        let values: [(any DatabaseValueConvertible)?] = [
            runID, isFloor, position, trial.service, trial.driver, trial.index, trial.succeeded,
            trial.failure?.description, trial.failure?.kind.rawValue, failureDetail,
            trial.coldCache, phases.created, phases.started, phases.running, phases.firstTCP, phases.ready,
            phases.healthy, memory?.peakBytes, memory?.workingSetPeakBytes, memory?.rssPeakBytes,
            memory?.sampleCount, memory?.meanIntervalSeconds, load?.requests, load?.failures, load?.concurrency,
            load?.seconds, load?.latencyP50, load?.latencyP95, load?.latencyMax, load?.memoryPeakBytes, provenance,
        ]
        try db.execute(
            sql: """
                INSERT INTO trials (run_id, is_floor, position, service, driver, trial_index, succeeded, failure,
                    failure_kind, failure_detail, cold_cache, created_s, started_s, running_s, first_tcp_s, ready_s, healthy_s,
                    memory_peak_bytes, memory_working_set_peak_bytes, memory_rss_peak_bytes, memory_sample_count,
                    memory_mean_interval_s, load_requests, load_failures, load_concurrency, load_seconds,
                    load_latency_p50_s, load_latency_p95_s, load_latency_max_s, load_memory_peak_bytes, provenance)
                VALUES (\(placeholders(values.count)))
                """,
            arguments: StatementArguments(values)
        )
        let trialID = db.lastInsertedRowID
        let sample = try db.cachedStatement(
            sql: """
                INSERT INTO memory_samples (trial_id, position, t, usage_bytes, working_set_bytes, rss_bytes,
                    cache_bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for (samplePosition, memorySample) in trial.samples.enumerated() {
            try sample.execute(arguments: [
                trialID, samplePosition, memorySample.t, memorySample.usageBytes, memorySample.workingSetBytes,
                memorySample.rssBytes, memorySample.cacheBytes,
            ])
        }
    }

    /// The flat table plots and regression queries read: every metric's samples per service × driver (and per
    /// build scenario for build metrics), extracted exactly as `RunRecord.values(of:...)` does.
    private static func insertMetricValues(of run: RunRecord, _ db: Database) throws {
        var pairs = run.pairs
        for image in run.images {
            let pair = ServiceDriver(service: image.service, driver: image.driver)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO metric_values (run_id, service, driver, metric, scenario, position, value)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for pair in pairs {
            for metric in Metric.allCases {
                let scenarios = isBuildMetric(metric) ? BuildScenario.allCases : [.cold]
                for scenario in scenarios {
                    let values = run.values(of: metric, service: pair.service, driver: pair.driver, scenario: scenario)
                    for (position, value) in values.enumerated() {
                        try statement.execute(arguments: [
                            run.id, pair.service, pair.driver, metric.rawValue, scenarioKey(metric, scenario),
                            position, value,
                        ])
                    }
                }
            }
        }
    }

    private static func insert(_ evaluation: Evaluation, runID: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO evaluations (run_id, evaluated_run_id, baseline_description) VALUES (?, ?, ?)",
            arguments: [runID, evaluation.runID, evaluation.baselineDescription]
        )
        let encoder = jsonEncoder()
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO verdicts (run_id, kind, position, service, driver, metric, outcome, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        func add(
            _ kind: String, _ position: Int, _ service: String, _ driver: String?, _ metric: Metric?,
            _ outcome: String, _ payload: some Encodable
        ) throws {
            let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
            try statement.execute(arguments: [runID, kind, position, service, driver, metric?.rawValue, outcome, json])
        }
        for (position, verdict) in evaluation.budgets.enumerated() {
            try add(
                "budget", position, verdict.service, verdict.driver, verdict.metric, verdict.outcome.rawValue,
                verdict)
        }
        for (position, verdict) in evaluation.ratios.enumerated() {
            try add("ratio", position, verdict.service, nil, verdict.metric, verdict.outcome.rawValue, verdict)
        }
        for (position, finding) in evaluation.regressions.enumerated() {
            try add(
                "regression", position, finding.service, finding.driver, finding.metric,
                finding.change.rawValue, finding)
        }
        for (position, finding) in evaluation.policy.enumerated() {
            try add("policy", position, finding.service, finding.driver, nil, finding.outcome.rawValue, finding)
        }
    }
}
