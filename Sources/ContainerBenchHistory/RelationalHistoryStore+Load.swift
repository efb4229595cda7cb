import ContainerBenchModel
import Foundation

extension RelationalHistoryStore {
    /// The run with `id` as saved, or nil; see `HistoryStore.run(id:)`.
    public func run(id: String) throws -> RunRecord? {
        try database.read { connection in try HistoryRunReader.run(id: id, connection) }
    }

    /// The evaluation saved with run `runID`, or nil; see `HistoryStore.evaluation(runID:)`.
    public func evaluation(runID: String) throws -> Evaluation? {
        try database.read { connection in try HistoryRunReader.evaluation(runID: runID, connection) }
    }
}

/// Reads a run back from its rows: the one mapping from the tables to `RunRecord`, for both stores.
enum HistoryRunReader {
    static func run(id: String, _ connection: any HistoryConnection) throws -> RunRecord? {
        guard let row = try connection.fetch(RunRow.self, "SELECT * FROM runs WHERE id = ?", [.text(id)]).first
        else { return nil }
        guard let status = RunStatus(rawValue: row.status) else {
            throw corrupt("status", row.status, runID: id)
        }
        var run = RunRecord(
            id: id, startedAt: HistoryCoding.date(milliseconds: row.startedAt),
            finishedAt: row.finishedAt.map { HistoryCoding.date(milliseconds: $0) }, status: status,
            label: row.label, suite: row.suite, environment: try environment(runID: id, connection))
        run.builds = try builds(runID: id, connection)
        run.images = try images(runID: id, connection)
        let trials = try trials(runID: id, connection)
        run.trials = trials.suite
        run.floorTrials = trials.floor
        let messages = try connection.fetch(
            RunMessageRow.self, "SELECT * FROM run_messages WHERE run_id = ? ORDER BY kind, position", [.text(id)])
        run.warnings = messages.filter { $0.kind == "warning" }.map(\.message)
        run.errors = messages.filter { $0.kind == "error" }.map(\.message)
        return run
    }

    private static func environment(runID: String, _ connection: any HistoryConnection) throws
        -> EnvironmentFingerprint
    {
        guard
            let row = try connection.fetch(
                EnvironmentRow.self, "SELECT * FROM environments WHERE run_id = ?", [.text(runID)]
            ).first
        else {
            throw corrupt("environment", "missing", runID: runID)
        }
        return EnvironmentFingerprint(
            kernel: row.kernel, cpuModel: row.cpuModel, cpuCores: row.cpuCores, memoryBytes: row.memoryBytes,
            engineVersion: row.engineVersion, apiVersion: row.apiVersion, storageDriver: row.storageDriver,
            cgroupVersion: row.cgroupVersion, buildClient: row.buildClient, harnessVersion: row.harnessVersion,
            baseImages: try HistoryCoding.decodeJSON([String: String].self, row.baseImages, "base_images"),
            baseImageUses: try HistoryCoding.decodeJSON([BaseImageUse].self, row.baseImageUses, "base_image_uses"),
            lockHashes: try HistoryCoding.decodeJSON([String: String].self, row.lockHashes, "lock_hashes"),
            gitCommit: row.gitCommit, gitDirty: row.gitDirty, limits: row.limits, indexMode: row.indexMode,
            engineHost: try row.engineHost.map {
                try HistoryCoding.decodeJSON(EngineHostFacts.self, $0, "engine_host")
            },
            trialSettings: try row.trialSettings.map {
                try HistoryCoding.decodeJSON([String: String].self, $0, "trial_settings")
            })
    }

    private static func builds(runID: String, _ connection: any HistoryConnection) throws -> [BuildRecord] {
        let rows = try connection.fetch(
            BuildRow.self, "SELECT * FROM builds WHERE run_id = ? ORDER BY position", [.text(runID)])
        var steps: [Int64: [BuildStep]] = [:]
        let stepRows = try connection.fetch(
            BuildStepRow.self,
            """
            SELECT s.* FROM build_steps s JOIN builds b ON b.id = s.build_id
            WHERE b.run_id = ? ORDER BY s.build_id, s.position
            """, [.text(runID)])
        for row in stepRows {
            steps[row.buildID, default: []].append(BuildStep(name: row.name, seconds: row.seconds, cached: row.cached))
        }
        return try rows.map { row in
            guard let scenario = BuildScenario(rawValue: row.scenario) else {
                throw corrupt("build scenario", row.scenario, runID: runID)
            }
            return BuildRecord(
                service: row.service, driver: row.driver, scenario: scenario, seconds: row.seconds,
                succeeded: row.succeeded, imageID: row.imageID, steps: row.id.flatMap { steps[$0] } ?? [],
                logTail: row.logTail)
        }
    }

    private static func images(runID: String, _ connection: any HistoryConnection) throws -> [ImageRecord] {
        let rows = try connection.fetch(
            ImageRow.self, "SELECT * FROM images WHERE run_id = ? ORDER BY position", [.text(runID)])
        var layers: [Int64: [ImageLayer]] = [:]
        let layerRows = try connection.fetch(
            ImageLayerRow.self,
            """
            SELECT l.* FROM image_layers l JOIN images i ON i.id = l.image_id
            WHERE i.run_id = ? ORDER BY l.image_id, l.position
            """, [.text(runID)])
        for row in layerRows {
            layers[row.imageID, default: []].append(ImageLayer(createdBy: row.createdBy, bytes: row.bytes))
        }
        return try rows.map { row in
            ImageRecord(
                service: row.service, driver: row.driver, imageID: row.imageID, bytes: row.bytes,
                compressedBytes: row.compressedBytes, baseBytes: row.baseBytes,
                layers: row.id.flatMap { layers[$0] } ?? [], user: row.user, hasHealthcheck: row.hasHealthcheck,
                inventory: try row.inventory.map { try HistoryCoding.decodeJSON(ImageInventory.self, $0, "inventory") })
        }
    }

    private static func trials(runID: String, _ connection: any HistoryConnection) throws
        -> (suite: [TrialRecord], floor: [TrialRecord])
    {
        let rows = try connection.fetch(
            TrialRow.self, "SELECT * FROM trials WHERE run_id = ? ORDER BY is_floor, position", [.text(runID)])
        var samples: [Int64: [MemorySample]] = [:]
        let timelines = try connection.fetch(
            TrialTimelineRow.self, "SELECT * FROM trial_timelines WHERE run_id = ?", [.text(runID)])
        for timeline in timelines {
            samples[timeline.trialID] = try TimelineCodec.decode(
                timeline.data, encoding: timeline.encoding, expectedCount: timeline.sampleCount)
        }
        var suite: [TrialRecord] = []
        var floor: [TrialRecord] = []
        for row in rows {
            let trial = try trial(row, samples: row.id.flatMap { samples[$0] } ?? [])
            if row.isFloor { floor.append(trial) } else { suite.append(trial) }
        }
        return (suite, floor)
    }

    private static func trial(_ row: TrialRow, samples: [MemorySample]) throws -> TrialRecord {
        var memory: MemorySummary?
        if let peak = row.memoryPeakBytes {
            memory = MemorySummary(
                peakBytes: peak, workingSetPeakBytes: row.memoryWorkingSetPeakBytes ?? 0,
                rssPeakBytes: row.memoryRssPeakBytes ?? 0, sampleCount: row.memorySampleCount ?? 0,
                meanIntervalSeconds: row.memoryMeanIntervalS ?? 0)
        }
        var load: LoadResult?
        if let requests = row.loadRequests {
            load = LoadResult(
                requests: requests, failures: row.loadFailures ?? 0, concurrency: row.loadConcurrency ?? 0,
                seconds: row.loadSeconds ?? 0, latencyP50: row.loadLatencyP50S ?? 0,
                latencyP95: row.loadLatencyP95S ?? 0, latencyMax: row.loadLatencyMaxS ?? 0,
                memoryPeakBytes: row.loadMemoryPeakBytes)
        }
        return TrialRecord(
            service: row.service, driver: row.driver, index: row.trialIndex, succeeded: row.succeeded,
            failure: failure(of: row),
            phases: StartupPhases(
                created: row.createdS, started: row.startedS, running: row.runningS, firstTCP: row.firstTcpS,
                ready: row.readyS, healthy: row.healthyS),
            memory: memory, samples: samples, load: load, coldCache: row.coldCache,
            provenance: try row.provenance.map {
                try HistoryCoding.decodeJSON(MeasurementProvenance.self, $0, "provenance")
            })
    }

    /// A trial's failure: the stored case (schema v3 on), or the text of an older file as an `unknown` case.
    private static func failure(of row: TrialRow) -> TrialFailure? {
        if let detail = row.failureDetail,
            let decoded = try? HistoryCoding.jsonDecoder().decode(TrialFailure.self, from: Data(detail.utf8))
        {
            return decoded
        }
        return row.failure.map { TrialFailure(.unknown, $0) }
    }

    static func evaluation(runID: String, _ connection: any HistoryConnection) throws -> Evaluation? {
        guard
            let row = try connection.fetch(
                EvaluationRow.self, "SELECT * FROM evaluations WHERE run_id = ?", [.text(runID)]
            ).first
        else { return nil }
        var evaluation = Evaluation(runID: row.evaluatedRunID, baselineDescription: row.baselineDescription)
        let decoder = HistoryCoding.jsonDecoder()
        let verdicts = try connection.fetch(
            VerdictRow.self, "SELECT * FROM verdicts WHERE run_id = ? ORDER BY kind, position", [.text(runID)])
        for verdict in verdicts {
            let payload = Data(verdict.payload.utf8)
            do {
                switch verdict.kind {
                case "budget": evaluation.budgets.append(try decoder.decode(BudgetVerdict.self, from: payload))
                case "ratio": evaluation.ratios.append(try decoder.decode(RatioVerdict.self, from: payload))
                case "regression":
                    evaluation.regressions.append(try decoder.decode(RegressionFinding.self, from: payload))
                case "policy": evaluation.policy.append(try decoder.decode(PolicyFinding.self, from: payload))
                default: throw HistoryError(.corrupt, path: "", detail: "unknown verdict kind \(verdict.kind)")
                }
            } catch let error as DecodingError {
                throw HistoryError(.corrupt, path: "", detail: "verdict of run \(runID): \(error)")
            }
        }
        return evaluation
    }

    /// An error about an impossible stored value; the database fills in its location.
    private static func corrupt(_ what: String, _ value: String, runID: String) -> HistoryError {
        HistoryError(.corrupt, path: "", detail: "run \(runID) has \(what) '\(value)'")
    }
}
