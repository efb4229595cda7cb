import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

extension RelationalHistoryStore {
    /// Stores `run` and its evaluation in one transaction; see `HistoryStore.save(_:evaluation:)`.
    public func save(_ run: RunRecord, evaluation: Evaluation?) throws {
        try save(run, evaluation: evaluation, beforeCommit: nil)
    }

    /// Stores `run`, calling `beforeCommit` inside the transaction after every row is written: tests use it to
    /// read from another connection while the write is open, to cut the connection, or to fail at the last moment.
    package func save(_ run: RunRecord, evaluation: Evaluation?, beforeCommit: (() throws -> Void)?) throws {
        try database.write(runID: run.id) { connection in
            try HistoryRunWriter.insert(run, connection)
            if let evaluation {
                try HistoryRunWriter.insert(evaluation, runID: run.id, connection)
            }
            try beforeCommit?()
        }
    }
}

/// Writes runs as rows: the one mapping from `RunRecord` to the tables, for both stores. Each table gets one
/// multi-row insert per call (however many runs), so a save is about fifteen statements, not a thousand.
enum HistoryRunWriter {
    static func insert(_ run: RunRecord, _ connection: any HistoryConnection) throws {
        try insert([run], connection)
    }

    static func insert(_ runs: [RunRecord], _ connection: any HistoryConnection) throws {
        try connection.insert(
            runs.map { run in
                RunRow(
                    id: run.id, startedAt: HistoryCoding.milliseconds(run.startedAt),
                    finishedAt: run.finishedAt.map(HistoryCoding.milliseconds), status: run.status.rawValue,
                    label: run.label, suite: run.suite, fingerprintKey: run.environment.comparabilityKey,
                    trialCount: run.trials.count, failedTrialCount: run.trials.filter { !$0.succeeded }.count,
                    warningCount: run.warnings.count, errorCount: run.errors.count)
            })
        try connection.insert(try runs.map { try environmentRow($0.environment, runID: $0.id) })
        try insertBuilds(runs, connection)
        try insertImages(runs, connection)
        try insertTrials(runs, connection)
        var messages: [RunMessageRow] = []
        for run in runs {
            for (kind, texts) in [("warning", run.warnings), ("error", run.errors)] {
                for (position, text) in texts.enumerated() {
                    messages.append(RunMessageRow(runID: run.id, kind: kind, position: position, message: text))
                }
            }
        }
        try connection.insert(messages)
        try insertMetrics(runs, connection)
    }

    private static func environmentRow(_ environment: EnvironmentFingerprint, runID: String) throws
        -> EnvironmentRow
    {
        EnvironmentRow(
            runID: runID, kernel: environment.kernel, cpuModel: environment.cpuModel, cpuCores: environment.cpuCores,
            memoryBytes: environment.memoryBytes, engineVersion: environment.engineVersion,
            apiVersion: environment.apiVersion, storageDriver: environment.storageDriver,
            cgroupVersion: environment.cgroupVersion, buildClient: environment.buildClient,
            harnessVersion: environment.harnessVersion, baseImages: try HistoryCoding.json(environment.baseImages),
            lockHashes: try HistoryCoding.json(environment.lockHashes), gitCommit: environment.gitCommit,
            gitDirty: environment.gitDirty, limits: environment.limits, indexMode: environment.indexMode,
            baseImageUses: try HistoryCoding.json(environment.baseImageUses),
            engineHost: try environment.engineHost.map(HistoryCoding.json),
            trialSettings: try environment.trialSettings.map(HistoryCoding.json))
    }

    private static func insertBuilds(_ runs: [RunRecord], _ connection: any HistoryConnection) throws {
        let rows = runs.flatMap { run in
            run.builds.enumerated().map { position, build in
                BuildRow(
                    id: nil, runID: run.id, position: position, service: build.service, driver: build.driver,
                    scenario: build.scenario.rawValue, seconds: build.seconds, succeeded: build.succeeded,
                    imageID: build.imageID, logTail: build.logTail)
            }
        }
        let ids = try keys(try connection.insert(rows, returning: ["id", "run_id", "position"]))
        var steps: [BuildStepRow] = []
        for run in runs {
            for (position, build) in run.builds.enumerated() {
                guard let buildID = ids["\(run.id)/\(position)"] else { continue }
                for (stepPosition, step) in build.steps.enumerated() {
                    steps.append(
                        BuildStepRow(
                            buildID: buildID, position: stepPosition, name: step.name, seconds: step.seconds,
                            cached: step.cached))
                }
            }
        }
        try connection.insert(steps)
    }

    private static func insertImages(_ runs: [RunRecord], _ connection: any HistoryConnection) throws {
        let rows = try runs.flatMap { run in
            try run.images.enumerated().map { position, image in
                ImageRow(
                    id: nil, runID: run.id, position: position, service: image.service, driver: image.driver,
                    imageID: image.imageID, bytes: image.bytes, compressedBytes: image.compressedBytes,
                    baseBytes: image.baseBytes, user: image.user, hasHealthcheck: image.hasHealthcheck,
                    inventory: try image.inventory.map(HistoryCoding.json))
            }
        }
        let ids = try keys(try connection.insert(rows, returning: ["id", "run_id", "position"]))
        var layers: [ImageLayerRow] = []
        for run in runs {
            for (position, image) in run.images.enumerated() {
                guard let imageID = ids["\(run.id)/\(position)"] else { continue }
                for (layerPosition, layer) in image.layers.enumerated() {
                    layers.append(
                        ImageLayerRow(
                            imageID: imageID, position: layerPosition, createdBy: layer.createdBy, bytes: layer.bytes))
                }
            }
        }
        try connection.insert(layers)
    }

    private static func insertTrials(_ runs: [RunRecord], _ connection: any HistoryConnection) throws {
        var rows: [TrialRow] = []
        for run in runs {
            for (isFloor, trials) in [(false, run.trials), (true, run.floorTrials)] {
                for (position, trial) in trials.enumerated() {
                    rows.append(try trialRow(trial, isFloor: isFloor, position: position, runID: run.id))
                }
            }
        }
        let returned = try connection.insert(rows, returning: ["id", "run_id", "is_floor", "position"])
        var ids: [String: Int64] = [:]
        for row in returned {
            let key =
                "\(try row.decode("run_id", as: String.self))/\(try row.decode("is_floor", as: Bool.self))/"
                + "\(try row.decode("position", as: Int.self))"
            ids[key] = try row.decode("id", as: Int64.self)
        }
        var timelines: [TrialTimelineRow] = []
        for run in runs {
            for (isFloor, trials) in [(false, run.trials), (true, run.floorTrials)] {
                for (position, trial) in trials.enumerated() where !trial.samples.isEmpty {
                    guard let trialID = ids["\(run.id)/\(isFloor)/\(position)"] else { continue }
                    timelines.append(
                        TrialTimelineRow(
                            trialID: trialID, runID: run.id, sampleCount: trial.samples.count,
                            complete: trial.samples.count >= (trial.memory?.sampleCount ?? 0),
                            encoding: TimelineCodec.encoding, data: TimelineCodec.encode(trial.samples)))
                }
            }
        }
        try connection.insert(timelines)
    }

    private static func trialRow(_ trial: TrialRecord, isFloor: Bool, position: Int, runID: String) throws -> TrialRow {
        let phases = trial.phases
        let memory = trial.memory
        let load = trial.load
        return TrialRow(
            id: nil, runID: runID, isFloor: isFloor, position: position, service: trial.service, driver: trial.driver,
            trialIndex: trial.index, succeeded: trial.succeeded, failure: trial.failure?.description,
            failureKind: trial.failure?.kind.rawValue, failureDetail: try trial.failure.map(HistoryCoding.json),
            coldCache: trial.coldCache, createdS: phases.created, startedS: phases.started, runningS: phases.running,
            firstTcpS: phases.firstTCP, readyS: phases.ready, healthyS: phases.healthy,
            memoryPeakBytes: memory?.peakBytes, memoryWorkingSetPeakBytes: memory?.workingSetPeakBytes,
            memoryRssPeakBytes: memory?.rssPeakBytes, memorySampleCount: memory?.sampleCount,
            memoryMeanIntervalS: memory?.meanIntervalSeconds, loadRequests: load?.requests,
            loadFailures: load?.failures, loadConcurrency: load?.concurrency, loadSeconds: load?.seconds,
            loadLatencyP50S: load?.latencyP50, loadLatencyP95S: load?.latencyP95, loadLatencyMaxS: load?.latencyMax,
            loadMemoryPeakBytes: load?.memoryPeakBytes, provenance: try trial.provenance.map(HistoryCoding.json))
    }

    /// The flat samples plots and regression queries read (every metric per service × driver, and per build
    /// scenario for build metrics, extracted exactly as `RunRecord.values(of:...)` does), each cell's median, the
    /// runs' pairs, and for completed runs the pairs `plot` offers.
    private static func insertMetrics(_ runs: [RunRecord], _ connection: any HistoryConnection) throws {
        var values: [MetricValueRow] = []
        var summaries: [MetricSummaryRow] = []
        var runPairs: [RunPairRow] = []
        var newest: [ServiceDriver: Int64] = [:]
        for run in runs {
            let startedAt = HistoryCoding.milliseconds(run.startedAt)
            var pairs = run.pairs
            for image in run.images {
                let pair = ServiceDriver(service: image.service, driver: image.driver)
                if !pairs.contains(pair) { pairs.append(pair) }
            }
            for pair in pairs {
                for metric in Metric.allCases {
                    let scenarios = HistoryCoding.isBuildMetric(metric) ? BuildScenario.allCases : [.cold]
                    for scenario in scenarios {
                        let samples = run.values(
                            of: metric, service: pair.service, driver: pair.driver, scenario: scenario)
                        let key = HistoryCoding.scenarioKey(metric, scenario)
                        for (position, value) in samples.enumerated() {
                            values.append(
                                MetricValueRow(
                                    runID: run.id, service: pair.service, driver: pair.driver,
                                    metric: metric.rawValue, scenario: key, position: position, value: value))
                        }
                        if let summary = Summary(samples) {
                            summaries.append(
                                MetricSummaryRow(
                                    runID: run.id, service: pair.service, driver: pair.driver,
                                    metric: metric.rawValue, scenario: key, status: run.status.rawValue,
                                    startedAt: startedAt, n: samples.count, median: summary.median))
                        }
                    }
                }
            }
            // A run's pairs as the listing shows them: what it built, inspected or started (not the floor).
            var measured = Set<ServiceDriver>()
            for build in run.builds { measured.insert(ServiceDriver(service: build.service, driver: build.driver)) }
            for image in run.images { measured.insert(ServiceDriver(service: image.service, driver: image.driver)) }
            for trial in run.trials { measured.insert(ServiceDriver(service: trial.service, driver: trial.driver)) }
            runPairs += measured.map { RunPairRow(runID: run.id, service: $0.service, driver: $0.driver) }
            if run.status == .completed {
                for pair in measured { newest[pair] = max(newest[pair] ?? Int64.min, startedAt) }
            }
        }
        try connection.insert(values)
        try connection.insert(summaries)
        try connection.insert(runPairs)
        // In one order for every writer, so that concurrent saves lock these rows without deadlocking.
        for (pair, startedAt) in newest.sorted(by: { ($0.key.service, $0.key.driver) < ($1.key.service, $1.key.driver) }
        ) {
            try connection.execute(
                """
                INSERT INTO series_pairs (service, driver, last_completed_at) VALUES (?, ?, ?)
                ON CONFLICT (service, driver) DO UPDATE SET last_completed_at = CASE
                    WHEN excluded.last_completed_at > series_pairs.last_completed_at THEN excluded.last_completed_at
                    ELSE series_pairs.last_completed_at END
                """, pair.service, pair.driver, startedAt)
        }
    }

    static func insert(_ evaluation: Evaluation, runID: String, _ connection: any HistoryConnection) throws {
        try insert([(evaluation, runID)], connection)
    }

    static func insert(
        _ evaluations: [(evaluation: Evaluation, runID: String)], _ connection: any HistoryConnection
    ) throws {
        try connection.insert(
            evaluations.map {
                EvaluationRow(
                    runID: $0.runID, evaluatedRunID: $0.evaluation.runID,
                    baselineDescription: $0.evaluation.baselineDescription)
            })
        var rows: [VerdictRow] = []
        for (evaluation, runID) in evaluations {
            func add(
                _ kind: String, _ position: Int, _ service: String, _ driver: String?, _ metric: Metric?,
                _ outcome: String, _ payload: some Encodable
            ) throws {
                rows.append(
                    VerdictRow(
                        runID: runID, kind: kind, position: position, service: service, driver: driver,
                        metric: metric?.rawValue, outcome: outcome, payload: try HistoryCoding.json(payload)))
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
        try connection.insert(rows)
    }

    /// Row ids by `run_id/position`, from rows returning `id, run_id, position`.
    private static func keys(_ rows: [HistoryRow]) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for row in rows {
            ids["\(try row.decode("run_id", as: String.self))/\(try row.decode("position", as: Int.self))"] =
                try row.decode("id", as: Int64.self)
        }
        return ids
    }
}

extension RelationalHistoryStore {
    /// Stores several runs in one transaction: all of them or none. For bulk loads (the history benchmark's
    /// synthetic histories), where one commit per run would dominate.
    /// - Throws: `HistoryError`, e.g. `duplicateRun` naming the first run whose id is taken.
    public func save(batch: [(record: RunRecord, evaluation: Evaluation?)]) throws {
        try database.write(runID: batch.first?.record.id) { connection in
            try HistoryRunWriter.insert(batch.map(\.record), connection)
            try HistoryRunWriter.insert(
                batch.compactMap { item in item.evaluation.map { ($0, item.record.id) } }, connection)
        }
    }
}
