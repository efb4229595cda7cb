import ContainerBenchModel
import Foundation

/// The history of runs: what the nightly job appends to and what `history`, `plot`, `report` and the regression
/// gate read. Two implementations share every query: `SQLiteHistoryStore` (one file, the default) and
/// `PostgreSQLHistoryStore` (a database many runners share). Implementations are safe to share across tasks; every
/// method is synchronous and may block on I/O (a file, or a round trip to the server on a NIO event loop thread of
/// its own, so a caller on the cooperative pool never waits for another task of that pool).
///
/// Every reading method answers from SQL that touches only what it returns: limits and aggregation are in the
/// database, and per-run medians come from a summary table written with the run.
///
/// Every method throws `HistoryError`; its `path` is the file, or the URL without its password.
public protocol HistoryStore: Sendable {
    /// The file, or the URL without its password: what messages name.
    var location: String { get }

    /// Stores `run` and its evaluation in one transaction: after a failure, a crash or a lost connection, nothing
    /// of the run is stored. A run that stopped early is saved the same way, with status `.interrupted` or `.failed`.
    /// - Throws: `HistoryError` with code `duplicateRun` when the id is taken, `diskFull`, `readOnly`, ...
    func save(_ run: RunRecord, evaluation: Evaluation?) throws

    /// The run with `id`, exactly as saved (dates to the millisecond; memory timelines as retention left them), or
    /// nil.
    func run(id: String) throws -> RunRecord?

    /// The evaluation saved with run `runID`, or nil when there is none.
    func evaluation(runID: String) throws -> Evaluation?

    /// Runs matching `filter`, newest first.
    func runs(filter: RunFilter) throws -> [RunSummaryRow]

    /// How many runs match `filter` (its limit ignored).
    func countRuns(filter: RunFilter) throws -> Int

    /// The newest run with `status` (any when nil) and `label` (any when nil), or nil.
    func latestRun(status: RunStatus?, label: String?) throws -> RunRecord?

    /// Removes a run and everything it measured. Returns whether it existed.
    @discardableResult
    func deleteRun(id: String) throws -> Bool

    /// The per-run samples of `metric` for `service` × `driver` across completed runs, oldest first.
    /// - Parameters:
    ///   - scenario: the build scenario; used only for build metrics.
    ///   - since: only runs started at or after this date.
    ///   - limit: only the newest `limit` runs (still returned oldest first).
    func series(
        service: String, driver: String, metric: Metric, scenario: BuildScenario, since: Date?, limit: Int?
    ) throws -> [SeriesPoint]

    /// The medians of `metric` per run and service × driver for the runs `filter` selects (completed ones unless it
    /// names a status), newest run first, then by service and driver; `filter.limit` counts runs, not points.
    func metricListing(filter: RunFilter, metric: Metric) throws -> [HistoryListing.MetricPoint]

    /// The service × driver pairs measured by completed runs started at or after `since` (any date when nil).
    func measuredPairs(since: Date?) throws -> [ServiceDriver]

    /// The metric samples of `runIDs`, pooled per service × driver and metric; build metrics from `scenario`.
    /// - Throws: `HistoryError` with code `runNotFound` naming the first id that is not stored.
    func samples(runIDs: [String], scenario: BuildScenario) throws -> [ServiceDriver: [Metric: [Double]]]

    /// The samples kept by baseline `name`, pooled like `samples(runIDs:scenario:)`.
    /// - Throws: `HistoryError` with code `baselineNotFound`.
    func samples(baseline name: String, scenario: BuildScenario) throws -> [ServiceDriver: [Metric: [Double]]]

    /// The metric samples of `runIDs`, not pooled: per cell, each run's samples in trial order, by run id.
    /// - Throws: `HistoryError` with code `runNotFound` naming the first id that is not stored.
    func perRunSamples(runIDs: [String], scenario: BuildScenario) throws
        -> [ServiceDriver: [Metric: [String: [Double]]]]

    /// The samples kept by baseline `name`, per cell and run like `perRunSamples(runIDs:scenario:)`.
    /// - Throws: `HistoryError` with code `baselineNotFound`.
    func perRunSamples(baseline name: String, scenario: BuildScenario) throws
        -> [ServiceDriver: [Metric: [String: [Double]]]]

    /// Each run's median per cell for `runIDs`, oldest run first: read from the summary table, not recomputed.
    func runMedians(runIDs: [String], scenario: BuildScenario) throws -> [ServiceDriver: [Metric: [RunMedian]]]

    /// The newest `count` completed runs measured on machines with `fingerprintKey`, leaving out `excluding`.
    func lastGoodRuns(count: Int, fingerprintKey: String, excluding: Set<String>) throws -> [RunSummaryRow]

    /// Saves (or replaces) baseline `name` as a copy of the metric samples of `runIDs`.
    /// - Throws: `HistoryError` with code `runNotFound` when one of the runs is not stored.
    @discardableResult
    func saveBaseline(name: String, runIDs: [String], description: String) throws -> Baseline

    /// Every baseline, by name.
    func baselines() throws -> [Baseline]

    /// The baseline called `name`, or nil.
    func baseline(named name: String) throws -> Baseline?

    /// Deletes baseline `name`. Returns whether it existed.
    @discardableResult
    func deleteBaseline(name: String) throws -> Bool

    /// Baseline `name` as versioned JSON (`BaselineFile`), to commit to git and import elsewhere.
    func exportBaseline(name: String) throws -> Data

    /// Stores the baseline in `data` (from `exportBaseline`); replaces one of the same name only when `replacing`.
    /// - Parameter source: where `data` came from (the file's path), named in errors.
    /// - Throws: `HistoryError` with code `invalidBaselineFile` (naming `source`) or `baselineExists`.
    @discardableResult
    func importBaseline(_ data: Data, source: String, replacing: Bool) throws -> Baseline

    /// Acknowledges the change of `metric` for `service` × `driver` from run `fromRun` on.
    /// - Throws: `HistoryError` with code `runNotFound`.
    @discardableResult
    func acknowledge(service: String, driver: String, metric: Metric, fromRun: String, note: String) throws
        -> Annotation

    /// Stores `annotation` as it is (its date and note), unless an equal one exists: how `history copy` moves
    /// acknowledgements. Returns whether it was added.
    /// - Throws: `HistoryError` with code `runNotFound` when its run is not stored.
    @discardableResult
    func addAnnotation(_ annotation: Annotation) throws -> Bool

    /// Every annotation, oldest first.
    func annotations() throws -> [Annotation]

    /// The ids of every stored run, oldest first.
    func runIDs() throws -> [String]

    /// How many rows each table of the history holds, by table name.
    func tableCounts() throws -> [String: Int]

    /// How many rows of run `runID` each table holds: what copies are verified with and atomicity tests read.
    func rowCounts(runID: String) throws -> [String: Int]

    /// Thins or drops the memory timelines `policy` does not keep, then reclaims the space.
    func applyRetention(_ policy: RetentionPolicy) throws -> RetentionReport
}
