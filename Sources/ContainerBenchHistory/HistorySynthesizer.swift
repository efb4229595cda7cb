import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// Makes large synthetic histories for the history benchmark (`benchmarks/history/run.sh`) and the size tests:
/// jittered copies of one run, an hour apart, each with new ids and values. The newest copies keep full memory
/// timelines; older ones are thinned as `RetentionPolicy.default` leaves them, which is what a history looks like
/// after months of nightly runs and `gc --prune-history`.
public struct HistorySynthesizer: Sendable {
    /// The run every copy is made from.
    public var template: RunRecord
    /// The evaluation stored with each copy (its run id replaced).
    public var evaluation: Evaluation?
    /// Copies (the newest) that keep the template's full timelines.
    public var fullTimelines: Int
    /// Points an older copy's timelines are thinned to.
    public var timelinePoints: Int

    /// A synthesizer of copies of `template`.
    public init(
        template: RunRecord, evaluation: Evaluation?, fullTimelines: Int = RetentionPolicy.default.keepTimelines,
        timelinePoints: Int = RetentionPolicy.default.timelinePoints
    ) {
        self.template = template
        self.evaluation = evaluation
        self.fullTimelines = fullTimelines
        self.timelinePoints = timelinePoints
    }

    /// Writes `count` copies into `store`, the last one starting at `end`, `batch` runs per transaction.
    /// - Parameter progress: called after each batch with the copies written so far.
    public func fill(
        _ store: any RelationalHistoryStore, count: Int, end: Date = Date(), batch: Int = 100,
        progress: (Int) -> Void = { _ in }
    ) throws {
        var written = 0
        while written < count {
            let size = min(batch, count - written)
            let runs = (written..<(written + size)).map { index in
                let copy = self.copy(index, of: count, end: end)
                var judged = evaluation
                judged?.runID = copy.id
                return (record: copy, evaluation: judged)
            }
            try store.save(batch: runs)
            written += size
            progress(written)
        }
    }

    /// Multiplies the runs `store` holds by `times`, in SQL: each pass copies every original run, with all its rows,
    /// to ids ending in `~PASS` and dates one span of the history earlier. For the benchmark's 100,000-run
    /// histories, which would take an hour to write run by run on this machine; the copies' values are the
    /// originals' (already jittered copies of one run), their dates and ids new.
    public static func replicate(_ store: any RelationalHistoryStore, times: Int) throws {
        guard times > 1 else { return }
        let database = store.tables.database
        // (table, the column whose value identifies an original row, how each column is rewritten)
        let tables: [(table: String, original: String, rewrite: [String: Rewrite])] = [
            ("runs", "id", ["id": .suffix, "started_at": .shift, "finished_at": .shift]),
            ("environments", "run_id", ["run_id": .suffix]),
            ("builds", "run_id", ["id": .offset("builds"), "run_id": .suffix]),
            ("build_steps", "build_id", ["build_id": .offset("builds")]),
            ("images", "run_id", ["id": .offset("images"), "run_id": .suffix]),
            ("image_layers", "image_id", ["image_id": .offset("images")]),
            ("trials", "run_id", ["id": .offset("trials"), "run_id": .suffix]),
            ("trial_timelines", "run_id", ["trial_id": .offset("trials"), "run_id": .suffix]),
            ("metric_values", "run_id", ["run_id": .suffix]),
            ("metric_summaries", "run_id", ["run_id": .suffix, "started_at": .shift]),
            ("run_pairs", "run_id", ["run_id": .suffix]),
            ("run_messages", "run_id", ["run_id": .suffix]),
            ("evaluations", "run_id", ["run_id": .suffix, "evaluated_run_id": .suffix]),
            ("verdicts", "run_id", ["run_id": .suffix]),
        ]
        let (span, offsets, columns) = try database.read { connection -> (Int64, [String: Int64], [String: [String]]) in
            let range = try connection.rows("SELECT min(started_at) AS low, max(started_at) AS high FROM runs")
            let low = try range.first?.decode("low", as: Int64?.self) ?? 0
            let high = try range.first?.decode("high", as: Int64?.self) ?? 0
            var offsets: [String: Int64] = [:]
            for table in ["builds", "images", "trials"] {
                offsets[table] = (try connection.scalar(Int64.self, "SELECT max(id) FROM \(table)", []) ?? 0) + 1
            }
            var columns: [String: [String]] = [:]
            for entry in tables {
                columns[entry.table] = try connection.rows("SELECT * FROM \(entry.table) LIMIT 1").first?.columns ?? []
            }
            return (high - low + 3_600_000, offsets, columns)
        }
        for pass in 1..<times {
            try database.write { connection in
                for entry in tables {
                    guard let names = columns[entry.table], !names.isEmpty else { continue }
                    var expressions: [String] = []
                    var arguments: [HistoryValue] = []
                    for name in names {
                        switch entry.rewrite[name] {
                        case .suffix?:
                            expressions.append("\(connection.quoted(name)) || ?")
                            arguments.append(.text("~\(pass)"))
                        case .shift?:
                            expressions.append("\(connection.quoted(name)) - ?")
                            arguments.append(.integer(Int64(pass) * span))
                        case .offset(let table)?:
                            expressions.append("\(connection.quoted(name)) + ?")
                            arguments.append(.integer(Int64(pass) * (offsets[table] ?? 0)))
                        case nil:
                            expressions.append(connection.quoted(name))
                        }
                    }
                    let original: String
                    switch entry.original {
                    case "build_id": original = "build_id < ?"
                    case "image_id": original = "image_id < ?"
                    default: original = "\(entry.original) NOT LIKE '%~%'"
                    }
                    if entry.original == "build_id" { arguments.append(.integer(offsets["builds"] ?? 0)) }
                    if entry.original == "image_id" { arguments.append(.integer(offsets["images"] ?? 0)) }
                    try connection.execute(
                        "INSERT INTO \(entry.table) (\(names.map(connection.quoted).joined(separator: ", "))) SELECT "
                            + expressions.joined(separator: ", ") + " FROM \(entry.table) WHERE \(original)", arguments)
                }
            }
        }
        if case .postgresql = store.tables.database.dialect {
            try database.write { connection in
                for table in ["builds", "images", "trials"] {
                    try connection.execute(
                        "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT max(id) FROM \(table)))", [])
                }
            }
        }
    }

    /// How `replicate` rewrites a column.
    private enum Rewrite {
        case suffix
        case shift
        case offset(String)
    }

    /// Copy `index` of `count` (0 is the oldest).
    public func copy(_ index: Int, of count: Int, end: Date) -> RunRecord {
        var generator = SeededGenerator(label: "\(template.id)/\(index)")
        func jitter(_ value: Double) -> Double { value * (1 + 0.03 * generator.nextNormal()) }
        func jitter(_ value: Int64) -> Int64 { Int64(jitter(Double(value)).rounded()) }
        var run = template
        let startedAt = end.addingTimeInterval(-3600 * Double(count - 1 - index))
        run.startedAt = Date(timeIntervalSince1970: (startedAt.timeIntervalSince1970 * 1000).rounded() / 1000)
        run.finishedAt = template.finishedAt.map { run.startedAt + $0.timeIntervalSince(template.startedAt) }
        run.id = RunRecord.makeID(at: run.startedAt).prefix(17) + String(format: "%08x", index)
        let thin = index < count - fullTimelines
        for position in run.builds.indices {
            run.builds[position].seconds = max(0, jitter(run.builds[position].seconds))
            for step in run.builds[position].steps.indices {
                run.builds[position].steps[step].seconds = max(0, jitter(run.builds[position].steps[step].seconds))
            }
        }
        for position in run.images.indices {
            run.images[position].bytes = max(0, jitter(run.images[position].bytes) / 1000 * 1000)
            run.images[position].compressedBytes = run.images[position].compressedBytes.map { max(0, jitter($0)) }
        }
        func jitterTrials(_ trials: inout [TrialRecord]) {
            for position in trials.indices {
                var trial = trials[position]
                let factor = 1 + 0.03 * generator.nextNormal()
                trial.phases.firstTCP = trial.phases.firstTCP.map { $0 * factor }
                trial.phases.ready = trial.phases.ready.map { $0 * factor }
                trial.phases.healthy = trial.phases.healthy.map { $0 * factor }
                if var memory = trial.memory {
                    memory.peakBytes = jitter(memory.peakBytes)
                    memory.workingSetPeakBytes = jitter(memory.workingSetPeakBytes)
                    memory.rssPeakBytes = jitter(memory.rssPeakBytes)
                    trial.memory = memory
                }
                let scale = 1 + 0.02 * generator.nextNormal()
                trial.samples = trial.samples.map { sample in
                    MemorySample(
                        t: sample.t, usageBytes: Int64(Double(sample.usageBytes) * scale) / 4096 * 4096,
                        workingSetBytes: Int64(Double(sample.workingSetBytes) * scale) / 4096 * 4096,
                        rssBytes: Int64(Double(sample.rssBytes) * scale) / 4096 * 4096, cacheBytes: sample.cacheBytes)
                }
                if thin { trial.samples = TimelineCodec.downsample(trial.samples, to: timelinePoints) }
                trials[position] = trial
            }
        }
        jitterTrials(&run.trials)
        jitterTrials(&run.floorTrials)
        return run
    }

    /// A run shaped like one `make bench` of the default suite: 4 services × 2 drivers, a cold and a warm build
    /// each, 5 trials per pair with a memory timeline sampled at 40 Hz through the window after ready (about
    /// 14,000 samples in all), an engine floor, warnings and an evaluation's worth of verdicts.
    public static func defaultSuiteRun(id: String = "20261129T033925Z-98dd9d93", startedAt: Date = Date()) -> RunRecord
    {
        var generator = SeededGenerator(label: id)
        let services: [(name: String, startup: Double, memory: Double, build: Double, image: Int64)] = [
            ("fixture", 0.21, 11e6, 1.5, 156_000_000), ("fastapi", 0.75, 96e6, 3.0, 196_000_000),
            ("streamlit", 0.9, 56e6, 15.6, 625_000_000), ("analytics", 2.5, 169e6, 14.7, 524_000_000),
        ]
        var builds: [BuildRecord] = []
        var images: [ImageRecord] = []
        var trials: [TrialRecord] = []
        for service in services {
            for driver in ["uv", "pip"] {
                let slower = driver == "pip" ? 2.2 : 1.0
                for scenario in [BuildScenario.cold, .warm] {
                    let seconds = scenario == .cold ? service.build * slower : 0.8
                    builds.append(
                        BuildRecord(
                            service: service.name, driver: driver, scenario: scenario, seconds: seconds,
                            succeeded: true, imageID: "sha256:\(service.name)-\(driver)",
                            steps: (0..<10).map { step in
                                BuildStep(
                                    name: step == 4
                                        ? "[builder 4/10] RUN \(driver == "uv" ? "uv sync --locked" : "pip install -r requirements.txt")"
                                        : "[builder \(step + 1)/10] step \(step) of \(service.name)",
                                    seconds: step == 4 ? seconds * 0.7 : seconds * 0.03,
                                    cached: scenario == .warm)
                            }))
                }
                images.append(
                    ImageRecord(
                        service: service.name, driver: driver, imageID: "sha256:\(service.name)-\(driver)",
                        bytes: service.image + (driver == "pip" ? 22_000_000 : 0),
                        compressedBytes: service.image * 37 / 100, baseBytes: 156_000_000,
                        layers: (0..<12).map {
                            ImageLayer(createdBy: "layer \($0) of \(service.name)", bytes: 1_000_000)
                        },
                        user: "app", hasHealthcheck: true))
                for index in 0..<5 {
                    let ready = service.startup * (1 + 0.05 * generator.nextNormal())
                    let samples = timeline(
                        ready: ready, window: 7.5, peak: service.memory, generator: &generator)
                    trials.append(
                        TrialRecord(
                            service: service.name, driver: driver, index: index, succeeded: true,
                            phases: StartupPhases(
                                created: 0.031, started: 0.29, running: 0.275, firstTCP: ready - 0.02, ready: ready,
                                healthy: ready + 0.4),
                            memory: MemorySummary(
                                peakBytes: Int64(service.memory * 1.1),
                                workingSetPeakBytes: samples.map(\.workingSetBytes).max() ?? 0,
                                rssPeakBytes: samples.map(\.rssBytes).max() ?? 0, sampleCount: samples.count,
                                meanIntervalSeconds: 0.025),
                            samples: samples, coldCache: false))
                }
            }
        }
        let floor = (0..<5).map { index in
            TrialRecord(
                service: "floor", driver: "none", index: index, succeeded: true,
                phases: StartupPhases(created: 0.02, started: 0.25, ready: 0.3),
                memory: MemorySummary(
                    peakBytes: 9_000_000, workingSetPeakBytes: 8_000_000, rssPeakBytes: 7_000_000, sampleCount: 0,
                    meanIntervalSeconds: 0.025))
        }
        return RunRecord(
            id: id, startedAt: Date(timeIntervalSince1970: (startedAt.timeIntervalSince1970 * 1000).rounded() / 1000),
            finishedAt: startedAt + 969, status: .completed, label: "bench", suite: "benchmarks/suite.yaml",
            environment: EnvironmentFingerprint(
                kernel: "6.1.0-28-amd64", cpuModel: "AMD EPYC 7B13", cpuCores: 2, memoryBytes: 25_000_000_000,
                engineVersion: "20.10.24", apiVersion: "1.41", storageDriver: "overlay2", cgroupVersion: 1,
                buildClient: "/usr/bin/docker 20.10.24 (BuildKit)",
                baseImages: ["local/python:bookworm": "sha256:bbb"],
                lockHashes: ["fastapi/uv.lock": "fnv1a64:0f0f0f0f0f0f0f0f"], gitCommit: "a384eb4", gitDirty: false),
            builds: builds, images: images, trials: trials, floorTrials: floor,
            warnings: ["policy: streamlit/uv image is larger than 450 MB"])
    }

    /// An evaluation with a budget verdict per pair and metric that a default run judges.
    public static func defaultEvaluation(for run: RunRecord) -> Evaluation {
        var budgets: [BudgetVerdict] = []
        for pair in run.pairs {
            for metric in [Metric.startupSeconds, .memoryPeakBytes, .imageBytes] {
                let values = run.values(of: metric, service: pair.service, driver: pair.driver)
                budgets.append(
                    BudgetVerdict(
                        budgetID: metric.rawValue, service: pair.service, driver: pair.driver, metric: metric,
                        statistic: .median, limit: 1e12, observed: values.first, n: values.count, outcome: .pass))
            }
        }
        return Evaluation(runID: run.id, budgets: budgets)
    }

    /// A 40 Hz timeline: a ramp to `peak` until `ready`, then a plateau with noise, page-sized values.
    private static func timeline(ready: Double, window: Double, peak: Double, generator: inout SeededGenerator)
        -> [MemorySample]
    {
        var samples: [MemorySample] = []
        var t = 0.3 + 0.004 * generator.nextUnit()
        while t < ready + window {
            let level = t < ready ? peak * t / ready : peak * (1 + 0.01 * generator.nextNormal())
            let workingSet = Int64(max(0, level)) / 4096 * 4096
            let cache = Int64(4_000_000 + 100_000 * generator.nextUnit()) / 4096 * 4096
            samples.append(
                MemorySample(
                    t: t, usageBytes: workingSet + cache, workingSetBytes: workingSet,
                    rssBytes: workingSet * 9 / 10 / 4096 * 4096, cacheBytes: cache))
            t += 0.025 + 0.0015 * generator.nextNormal()
        }
        return samples
    }
}
