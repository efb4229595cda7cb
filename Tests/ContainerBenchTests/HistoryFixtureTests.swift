import ContainerBench
import Foundation
import Testing

/// Runs, temporary folders and fixture files shared by the history tests.
enum HistoryFixtures {
    /// A date at whole milliseconds, as the store keeps them.
    static func date(_ secondsSince1970: Double) -> Date {
        Date(timeIntervalSince1970: (secondsSince1970 * 1000).rounded() / 1000)
    }

    /// A machine; `cpuCores` changes the comparability key.
    static func environment(cpuCores: Int = 2) -> EnvironmentFingerprint {
        EnvironmentFingerprint(
            kernel: "6.1.0-28-amd64", cpuModel: "AMD EPYC 7B13", cpuCores: cpuCores, memoryBytes: 25_000_000_000,
            engineVersion: "20.10.24", apiVersion: "1.41", storageDriver: "overlay2", cgroupVersion: 1,
            buildClient: "/usr/bin/docker 20.10.24 (BuildKit)", harnessVersion: "0.1.0",
            baseImages: ["python:3.12-slim": "sha256:aaa", "local/python:bookworm": "sha256:bbb"],
            lockHashes: ["fastapi/uv.lock": "0f0f", "fastapi/requirements.txt": "1e1e"], gitCommit: "abc1234",
            gitDirty: false, limits: "none", indexMode: "pypi")
    }

    /// A run with every kind of record and every optional both set and unset somewhere.
    static func richRun(
        id: String = "20261129T013000Z-0000abcd", startedAt: Date = date(1_764_379_800.123),
        status: RunStatus = .completed, label: String? = "nightly", environment: EnvironmentFingerprint = environment(),
        startupOffset: Double = 0,
        failure: TrialFailure = TrialFailure(
            .exited, "exit code 1", phase: .beforeReady, exitCode: 1, logs: "Traceback: ModuleNotFoundError"),
        v5: Bool = true
    ) -> RunRecord {
        var environment = environment
        if v5 {
            // What schema v5 added: the engine's host, trial settings, provenance and an inventory.
            environment.engineHost = EngineHostFacts(
                kind: "docker", endpoint: "tcp://127.0.0.1:2376 (TLS)", isLocal: false, name: "bench-1", id: "ABCD",
                kernel: "6.1.0-28-amd64", operatingSystem: "Debian GNU/Linux 12", cpus: 2, memoryBytes: 25_000_000_000)
            environment.trialSettings = ["fastapi": "fnv1a64:0123456789abcdef"]
        }
        var trials: [TrialRecord] = []
        for driver in ["uv", "pip"] {
            for index in 0..<3 {
                let ready = 1.25 + Double(index) * 0.125 + (driver == "pip" ? 0.5 : 0) + startupOffset
                trials.append(
                    TrialRecord(
                        service: "fastapi", driver: driver, index: index, succeeded: true,
                        phases: StartupPhases(
                            created: 0.031, started: 0.29, running: 0.275, firstTCP: ready - 0.2, ready: ready,
                            healthy: index == 0 ? ready + 0.1 : nil),
                        memory: MemorySummary(
                            peakBytes: 180_000_000 + Int64(index), workingSetPeakBytes: 120_000_000,
                            rssPeakBytes: 95_000_000, sampleCount: 3, meanIntervalSeconds: 0.05),
                        samples: (0..<3).map {
                            MemorySample(
                                t: Double($0) * 0.05, usageBytes: 100_000_000 + Int64($0) * 1000,
                                workingSetBytes: 90_000_000, rssBytes: 80_000_000, cacheBytes: 10_000_000)
                        },
                        load: index == 2
                            ? LoadResult(
                                requests: 500, failures: 1, concurrency: 8, seconds: 5.5, latencyP50: 0.004,
                                latencyP95: 0.011, latencyMax: 0.09, memoryPeakBytes: nil)
                            : nil,
                        coldCache: index == 0,
                        provenance: v5 && index == 1
                            ? MeasurementProvenance(
                                clock: "CLOCK_MONOTONIC (client)", probeOrigin: .acrossNetwork,
                                probeTarget: "127.0.0.1:8000", memorySource: .helperContainer,
                                memoryIntervalSeconds: 0.025, engineTimestamps: "events")
                            : nil))
            }
        }
        trials.append(
            TrialRecord(
                service: "fastapi", driver: "pip", index: 3, succeeded: false,
                failure: failure, phases: StartupPhases(created: 0.03)))
        return RunRecord(
            id: id, startedAt: startedAt, finishedAt: startedAt.addingTimeInterval(612.5), status: status,
            label: label, suite: "benchmarks/suite.yaml", environment: environment,
            builds: [
                BuildRecord(
                    service: "fastapi", driver: "uv", scenario: .cold, seconds: 21.5, succeeded: true,
                    imageID: "sha256:1111",
                    steps: [
                        BuildStep(name: "[builder 1/6] FROM local/python:bookworm", seconds: 0.1, cached: true),
                        BuildStep(
                            name: "[builder 4/6] RUN uv sync --locked --no-install-project", seconds: 9.75,
                            cached: false),
                    ]),
                BuildRecord(
                    service: "fastapi", driver: "uv", scenario: .warm, seconds: 1.5, succeeded: true,
                    imageID: "sha256:1111"),
                BuildRecord(
                    service: "fastapi", driver: "pip", scenario: .cold, seconds: 48.25, succeeded: true,
                    imageID: "sha256:2222",
                    steps: [BuildStep(name: "[4/5] RUN pip install -r requirements.txt", seconds: 40, cached: false)]),
                BuildRecord(
                    service: "fastapi", driver: "pip", scenario: .depsChange, seconds: 3, succeeded: false,
                    logTail: "ERROR: No matching distribution found for fastapi==99"),
            ],
            images: [
                ImageRecord(
                    service: "fastapi", driver: "uv", imageID: "sha256:1111", bytes: 251_000_000,
                    compressedBytes: 96_000_000, baseBytes: 120_000_000,
                    layers: [
                        ImageLayer(createdBy: "debootstrap", bytes: 120_000_000),
                        ImageLayer(createdBy: "COPY /app/.venv /app/.venv", bytes: 131_000_000),
                    ],
                    user: "app", hasHealthcheck: true,
                    inventory: v5
                        ? ImageInventory(
                            python: [
                                .init(name: "fastapi", version: "0.115.6", bytes: 1_200_000, location: "/app/.venv")
                            ],
                            debian: [.init(name: "libc6", version: "2.36-9+deb12u9", bytes: 12_000_000)],
                            operatingSystem: .init(id: "debian", versionID: "12", codename: "bookworm"))
                        : nil),
                ImageRecord(service: "fastapi", driver: "pip", imageID: "sha256:2222", bytes: 301_000_000),
            ],
            trials: trials,
            floorTrials: [
                TrialRecord(
                    service: "floor", driver: "none", index: 0, succeeded: true,
                    phases: StartupPhases(created: 0.02, started: 0.25, ready: 0.3))
            ],
            warnings: ["fairness: pip image has no cache mount", "policy: pip image runs as root"],
            errors: ["build fastapi/pip (deps-change) failed"])
    }

    /// A run with nothing optional set.
    static func minimalRun(id: String = "20261129T020000Z-00000001") -> RunRecord {
        RunRecord(
            id: id, startedAt: date(1_764_381_600), status: .interrupted, suite: "command line",
            environment: EnvironmentFingerprint(harnessVersion: "0.1.0"))
    }

    /// An evaluation with one verdict of every kind.
    static func evaluation(runID: String) -> Evaluation {
        Evaluation(
            runID: runID,
            budgets: [
                BudgetVerdict(
                    budgetID: "startup", service: "fastapi", driver: "uv", metric: .startupSeconds,
                    statistic: .median, limit: 8, observed: 1.375, ciLow: 1.25, ciHigh: 1.5, n: 3, outcome: .pass,
                    margin: 0.828125),
                BudgetVerdict(
                    budgetID: "image-size", service: "fastapi", driver: "pip", metric: .imageBytes,
                    statistic: .value, limit: 450_000_000, observed: nil, n: 0, outcome: .missing),
            ],
            ratios: [
                RatioVerdict(
                    budgetID: "uv-build-speed", service: "fastapi", metric: .buildSeconds, numerator: "uv",
                    denominator: "pip", limit: 0.4, ratio: 0.4456, outcome: .fail)
            ],
            regressions: [
                RegressionFinding(
                    service: "fastapi", driver: "uv", metric: .startupSeconds, baselineMedian: 1.2,
                    currentMedian: 1.375, ratio: 1.1458, ratioCILow: 1.05, ratioCIHigh: 1.2, pValue: 0.01,
                    adjustedPValue: .nan, change: .regression, acknowledged: true, baselineN: 10, currentN: 3)
            ],
            baselineDescription: "baseline nightly",
            policy: [
                PolicyFinding(
                    service: "fastapi", driver: "pip", check: "non-root", outcome: .fail, detail: "runs as root")
            ])
    }

    /// Saves `run` through the shared save with `beforeCommit` run inside its open transaction.
    static func save(
        _ run: RunRecord, evaluation: Evaluation? = nil, into store: any HistoryStore,
        beforeCommit: @escaping () throws -> Void
    ) throws {
        guard let relational = store as? any RelationalHistoryStore else {
            Issue.record("\(store.location) is not a relational store")
            return
        }
        try relational.save(run, evaluation: evaluation, beforeCommit: beforeCommit)
    }

    /// The schema versions applied to `store`, whichever kind it is.
    static func appliedVersions(_ store: any HistoryStore) throws -> [String] {
        switch store {
        case let store as SQLiteHistoryStore: return try store.appliedSchemaVersions()
        case let store as PostgreSQLHistoryStore: return try store.appliedSchemaVersions()
        default: return []
        }
    }

    /// SQL that stores `run` as a schema v3 history holds it (a row per memory sample, no v4 tables), in the SQL
    /// both stores accept: how an older history of either kind is made for the migration tests.
    static func version3Inserts(_ run: RunRecord) -> String {
        func literal(_ value: Any?) -> String {
            switch value {
            case nil: return "NULL"
            case let text as String: return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            case let flag as Bool: return flag ? "1" : "0"
            case let number as Double: return "\(number)"
            case let number as Int: return "\(number)"
            case let number as Int64: return "\(number)"
            default: return value.map { "\($0)" } ?? "NULL"
            }
        }
        func insert(_ table: String, _ columns: [(String, Any?)]) -> String {
            "INSERT INTO \(table) (\(columns.map(\.0).joined(separator: ", "))) VALUES ("
                + columns.map { literal($0.1) }.joined(separator: ", ") + ");\n"
        }
        let milliseconds = { (date: Date) in Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        let environment = run.environment
        var sql = insert(
            "runs",
            [
                ("id", run.id), ("started_at", milliseconds(run.startedAt)),
                ("finished_at", run.finishedAt.map(milliseconds)), ("status", run.status.rawValue),
                ("label", run.label), ("suite", run.suite), ("fingerprint_key", environment.comparabilityKey),
            ])
        sql += insert(
            "environments",
            [
                ("run_id", run.id), ("kernel", environment.kernel), ("cpu_model", environment.cpuModel),
                ("cpu_cores", environment.cpuCores), ("memory_bytes", environment.memoryBytes),
                ("engine_version", environment.engineVersion), ("api_version", environment.apiVersion),
                ("storage_driver", environment.storageDriver), ("cgroup_version", environment.cgroupVersion),
                ("build_client", environment.buildClient), ("harness_version", environment.harnessVersion),
                ("base_images", "{}"), ("lock_hashes", "{}"), ("git_commit", environment.gitCommit),
                ("git_dirty", environment.gitDirty), ("limits", environment.limits),
                ("index_mode", environment.indexMode), ("base_image_uses", "[]"),
            ])
        for (position, build) in run.builds.enumerated() {
            sql += insert(
                "builds",
                [
                    ("id", position + 1), ("run_id", run.id), ("position", position), ("service", build.service),
                    ("driver", build.driver), ("scenario", build.scenario.rawValue), ("seconds", build.seconds),
                    ("succeeded", build.succeeded),
                ])
        }
        for (position, trial) in run.trials.enumerated() {
            sql += insert(
                "trials",
                [
                    ("id", position + 1), ("run_id", run.id), ("is_floor", false), ("position", position),
                    ("service", trial.service), ("driver", trial.driver), ("trial_index", trial.index),
                    ("succeeded", trial.succeeded), ("failure", trial.failure?.description),
                    ("cold_cache", trial.coldCache), ("created_s", trial.phases.created),
                    ("started_s", trial.phases.started), ("running_s", trial.phases.running),
                    ("first_tcp_s", trial.phases.firstTCP), ("ready_s", trial.phases.ready),
                    ("healthy_s", trial.phases.healthy), ("memory_peak_bytes", trial.memory?.peakBytes),
                    ("memory_working_set_peak_bytes", trial.memory?.workingSetPeakBytes),
                    ("memory_rss_peak_bytes", trial.memory?.rssPeakBytes),
                    ("memory_sample_count", trial.memory?.sampleCount),
                    ("memory_mean_interval_s", trial.memory?.meanIntervalSeconds),
                ])
            for (index, sample) in trial.samples.enumerated() {
                sql += insert(
                    "memory_samples",
                    [
                        ("trial_id", position + 1), ("position", index), ("t", sample.t),
                        ("usage_bytes", sample.usageBytes), ("working_set_bytes", sample.workingSetBytes),
                        ("rss_bytes", sample.rssBytes), ("cache_bytes", sample.cacheBytes),
                    ])
            }
        }
        for pair in run.pairs {
            for metric in Metric.allCases {
                let values = run.values(of: metric, service: pair.service, driver: pair.driver)
                let scenario = metric == .buildSeconds || metric == .installSeconds ? "cold" : "-"
                for (position, value) in values.enumerated() {
                    sql += insert(
                        "metric_values",
                        [
                            ("run_id", run.id), ("service", pair.service), ("driver", pair.driver),
                            ("metric", metric.rawValue), ("scenario", scenario), ("position", position),
                            ("value", value),
                        ])
                }
            }
        }
        return sql
    }

    /// A fresh folder for one test; remove it with `FileManager.default.removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("containerbench-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The id and fixed clock of the run stored in `Fixtures/history-v1.sqlite`.
    static let v1RunID = "20261101T000000Z-00v1f1x7"
    /// The run as a schema v1 file holds it: its failure was text only, so it loads as an `unknown` case.
    static let v1Run = richRun(
        id: v1RunID, startedAt: date(1_761_955_200.5),
        failure: TrialFailure(.unknown, "exit code 1\nTraceback: ModuleNotFoundError"), v5: false)
}

/// Makes `Fixtures/history-v1.sqlite`: a history at schema v1 holding `HistoryFixtures.v1Run`.
/// Runs only when asked: `CONTAINERBENCH_WRITE_FIXTURES=1 swift test --filter HistoryFixtureTests`.
@Suite("History fixture files")
struct HistoryFixtureTests {
    @Test(
        "write the schema v1 fixture",
        .enabled(if: ProcessInfo.processInfo.environment["CONTAINERBENCH_WRITE_FIXTURES"] == "1"))
    func writeVersion1Fixture() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/history-v1.sqlite")
        try? FileManager.default.removeItem(at: fixture)
        do {
            let store = try SQLiteHistoryStore(
                path: fixture.path, now: { HistoryFixtures.date(1_761_955_300) }, migratingUpTo: "v1")
            try store.save(
                HistoryFixtures.v1Run, evaluation: HistoryFixtures.evaluation(runID: HistoryFixtures.v1RunID))
            try store.saveBaseline(name: "v1", runIDs: [HistoryFixtures.v1RunID], description: "made by schema v1")
            #expect(try store.appliedSchemaVersions() == ["v1"])
        }
        // The store is closed: the WAL was checkpointed into the one file.
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "-wal"))
    }
}
