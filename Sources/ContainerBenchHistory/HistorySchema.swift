import ContainerBenchModel
import ContainerBenchStatistics
import Foundation
import GRDB

/// The history's schema, as an ordered list of migrations shared by both stores. A migration, once released, is
/// never edited: a change to the schema is a new migration appended at the end, so every older file or database
/// migrates in place. The DDL is written once, in SQLite's dialect; `HistoryDDL` translates it for PostgreSQL.
enum HistorySchema {
    /// The migration identifiers this binary knows, oldest first.
    static let identifiers = ["v1", "v2", "v3", "v4", "v5"]

    /// The migrator of SQLite files, in registration order (GRDB records applied migrations in
    /// `grdb_migrations`).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for identifier in identifiers {
            migrator.registerMigration(identifier) { db in
                try apply(identifier, SQLiteConnection(db: db))
            }
        }
        return migrator
    }

    /// Applies migration `identifier` on `connection`, inside the caller's transaction.
    static func apply(_ identifier: String, _ connection: any HistoryConnection) throws {
        let ddl: String
        switch identifier {
        case "v1": ddl = version1
        case "v2": ddl = version2
        case "v3": ddl = version3
        case "v4": ddl = version4
        case "v5": ddl = version5
        default: throw HistoryError(.newerSchema, path: "", detail: "unknown migration \(identifier)")
        }
        for statement in HistoryDDL.statements(ddl, for: connection.dialect) {
            try connection.execute(statement, [])
        }
        if identifier == "v4" { try HistoryMigrationV4.backfill(connection) }
    }

    /// v1: runs and everything they measured, verdicts, baselines.
    static let version1 = """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
            label TEXT,
            suite TEXT NOT NULL,
            fingerprint_key TEXT NOT NULL
        ) STRICT;
        CREATE INDEX runs_by_date ON runs(started_at DESC);
        CREATE INDEX runs_by_fingerprint ON runs(fingerprint_key, status, started_at DESC);

        CREATE TABLE environments (
            run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kernel TEXT NOT NULL,
            cpu_model TEXT NOT NULL,
            cpu_cores INTEGER NOT NULL,
            memory_bytes INTEGER NOT NULL,
            engine_version TEXT NOT NULL,
            api_version TEXT NOT NULL,
            storage_driver TEXT NOT NULL,
            cgroup_version INTEGER NOT NULL,
            build_client TEXT NOT NULL,
            harness_version TEXT NOT NULL,
            base_images TEXT NOT NULL,
            lock_hashes TEXT NOT NULL,
            git_commit TEXT,
            git_dirty INTEGER,
            limits TEXT NOT NULL,
            index_mode TEXT NOT NULL
        ) STRICT;

        CREATE TABLE builds (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            scenario TEXT NOT NULL,
            seconds REAL NOT NULL CHECK (seconds >= 0),
            succeeded INTEGER NOT NULL,
            image_id TEXT,
            log_tail TEXT,
            UNIQUE (run_id, position)
        ) STRICT;

        CREATE TABLE build_steps (
            build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            seconds REAL NOT NULL CHECK (seconds >= 0),
            cached INTEGER NOT NULL,
            PRIMARY KEY (build_id, position)
        ) STRICT;

        CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            image_id TEXT NOT NULL,
            bytes INTEGER NOT NULL CHECK (bytes >= 0),
            compressed_bytes INTEGER CHECK (compressed_bytes >= 0),
            base_bytes INTEGER CHECK (base_bytes >= 0),
            user TEXT,
            has_healthcheck INTEGER NOT NULL,
            UNIQUE (run_id, position)
        ) STRICT;

        CREATE TABLE image_layers (
            image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            bytes INTEGER NOT NULL CHECK (bytes >= 0),
            PRIMARY KEY (image_id, position)
        ) STRICT;

        CREATE TABLE trials (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            is_floor INTEGER NOT NULL,
            position INTEGER NOT NULL,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            trial_index INTEGER NOT NULL CHECK (trial_index >= 0),
            succeeded INTEGER NOT NULL,
            failure TEXT,
            cold_cache INTEGER NOT NULL,
            created_s REAL,
            started_s REAL,
            running_s REAL,
            first_tcp_s REAL,
            ready_s REAL,
            healthy_s REAL,
            memory_peak_bytes INTEGER,
            memory_working_set_peak_bytes INTEGER,
            memory_rss_peak_bytes INTEGER,
            memory_sample_count INTEGER,
            memory_mean_interval_s REAL,
            load_requests INTEGER,
            load_failures INTEGER,
            load_concurrency INTEGER,
            load_seconds REAL,
            load_latency_p50_s REAL,
            load_latency_p95_s REAL,
            load_latency_max_s REAL,
            load_memory_peak_bytes INTEGER,
            UNIQUE (run_id, is_floor, position),
            CHECK ((memory_peak_bytes IS NULL) = (memory_sample_count IS NULL)),
            CHECK ((load_requests IS NULL) = (load_seconds IS NULL))
        ) STRICT;
        CREATE INDEX trials_by_pair ON trials(service, driver);

        CREATE TABLE memory_samples (
            trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            t REAL NOT NULL,
            usage_bytes INTEGER NOT NULL CHECK (usage_bytes >= 0),
            working_set_bytes INTEGER NOT NULL,
            rss_bytes INTEGER NOT NULL,
            cache_bytes INTEGER NOT NULL,
            PRIMARY KEY (trial_id, position)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE metric_values (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            metric TEXT NOT NULL,
            scenario TEXT NOT NULL,
            position INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, service, driver, metric, scenario, position)
        ) STRICT;
        CREATE INDEX metric_values_by_series ON metric_values(service, driver, metric, scenario);

        CREATE TABLE run_messages (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('warning', 'error')),
            position INTEGER NOT NULL,
            message TEXT NOT NULL,
            PRIMARY KEY (run_id, kind, position)
        ) STRICT;

        CREATE TABLE evaluations (
            run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            evaluated_run_id TEXT NOT NULL,
            baseline_description TEXT
        ) STRICT;

        CREATE TABLE verdicts (
            run_id TEXT NOT NULL REFERENCES evaluations(run_id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('budget', 'ratio', 'regression', 'policy')),
            position INTEGER NOT NULL,
            service TEXT NOT NULL,
            driver TEXT,
            metric TEXT,
            outcome TEXT NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (run_id, kind, position)
        ) STRICT;

        CREATE TABLE baselines (
            name TEXT PRIMARY KEY NOT NULL CHECK (length(name) > 0),
            created_at INTEGER NOT NULL,
            description TEXT NOT NULL,
            run_ids TEXT NOT NULL,
            fingerprint_key TEXT
        ) STRICT;

        CREATE TABLE baseline_samples (
            baseline_name TEXT NOT NULL REFERENCES baselines(name) ON DELETE CASCADE,
            run_id TEXT NOT NULL,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            metric TEXT NOT NULL,
            scenario TEXT NOT NULL,
            position INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (baseline_name, run_id, service, driver, metric, scenario, position)
        ) STRICT;
        """

    /// v2: annotations (a change acknowledged as intended from a run on), and an index for the series query that
    /// starts from the metric (plots of one metric across every service).
    static let version2 = """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            metric TEXT NOT NULL,
            from_run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            note TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX annotations_by_series ON annotations(service, driver, metric);
        CREATE INDEX metric_values_by_metric ON metric_values(metric, service, driver);
        """

    /// v3: a failed trial's kind (`TrialFailure.Kind`) as a column to filter on, and the whole failure as JSON, so
    /// that a failure loads back as the case it was (the `failure` text stays for people and older readers); which
    /// image each base reference resolved to (`BaseImageUse`, JSON).
    static let version3 = """
        ALTER TABLE trials ADD COLUMN failure_kind TEXT;
        ALTER TABLE trials ADD COLUMN failure_detail TEXT;
        ALTER TABLE environments ADD COLUMN base_image_uses TEXT NOT NULL DEFAULT '[]';
        """

    /// v4: histories of 100,000 runs. The counts the listing shows become columns of `runs`; a run's pairs, each
    /// cell's per-run median (with the run's status and date, indexed in date order per series) and the pairs of
    /// completed runs get tables of their own, so that listings, trends and plots read only what they show. Memory
    /// timelines move from one row per sample (0.9 MB per run of the default suite) into one packed blob per trial
    /// (`TimelineCodec`), which retention can thin or drop. `metric_values` is rebuilt without a rowid (its key is
    /// its only index, half its size before); the indexes only the old queries used go.
    static let version4 = """
        ALTER TABLE runs ADD COLUMN trial_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN failed_trial_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX runs_by_status ON runs(status, started_at DESC, id DESC);
        CREATE INDEX runs_by_label ON runs(label, started_at DESC);

        CREATE TABLE run_pairs (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            PRIMARY KEY (run_id, service, driver)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE series_pairs (
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            last_completed_at INTEGER NOT NULL,
            PRIMARY KEY (service, driver)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE metric_summaries (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            metric TEXT NOT NULL,
            scenario TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            n INTEGER NOT NULL CHECK (n > 0),
            median REAL NOT NULL,
            PRIMARY KEY (run_id, service, driver, metric, scenario)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX metric_summaries_by_series
            ON metric_summaries(service, driver, metric, scenario, status, started_at DESC, run_id DESC);

        CREATE TABLE trial_timelines (
            trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            sample_count INTEGER NOT NULL CHECK (sample_count >= 0),
            complete INTEGER NOT NULL,
            encoding TEXT NOT NULL,
            data BLOB NOT NULL
        ) STRICT;
        CREATE INDEX trial_timelines_by_run ON trial_timelines(run_id);

        CREATE TABLE metric_values_v4 (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            service TEXT NOT NULL,
            driver TEXT NOT NULL,
            metric TEXT NOT NULL,
            scenario TEXT NOT NULL,
            position INTEGER NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (run_id, service, driver, metric, scenario, position)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO metric_values_v4 (run_id, service, driver, metric, scenario, position, value)
            SELECT run_id, service, driver, metric, scenario, position, value FROM metric_values;
        DROP TABLE metric_values;
        ALTER TABLE metric_values_v4 RENAME TO metric_values;
        DROP INDEX trials_by_pair;
        """

    /// v5: where and how each trial was measured (`MeasurementProvenance`, JSON: clock, probe origin, memory
    /// source), the engine's host as the engine reports it (`EngineHostFacts`, JSON), each service's trial settings
    /// digest (JSON), and each image's inventory (`ImageInventory`, JSON: Python distributions and Debian
    /// packages). All null in older runs.
    static let version5 = """
        ALTER TABLE trials ADD COLUMN provenance TEXT;
        ALTER TABLE environments ADD COLUMN engine_host TEXT;
        ALTER TABLE environments ADD COLUMN trial_settings TEXT;
        ALTER TABLE images ADD COLUMN inventory TEXT;
        """
}
