import ContainerBenchModel
import Foundation

/// The history of runs: what the nightly job appends to and what `history`, `plot`, `report` and the regression
/// gate read. Implementations are safe to share across tasks; every method is synchronous and may block on I/O.
///
/// Every method throws `HistoryError`.
public protocol HistoryStore: Sendable {
    /// Stores `run` and its evaluation in one transaction: after a failure or a crash, nothing of the run is
    /// stored. A run that stopped early is saved the same way, with status `.interrupted` or `.failed`.
    /// - Throws: `HistoryError` with code `duplicateRun` when the id is taken, `diskFull`, `readOnly`, ...
    func save(_ run: RunRecord, evaluation: Evaluation?) throws

    /// The run with `id`, exactly as saved (dates to the millisecond), or nil.
    func run(id: String) throws -> RunRecord?

    /// The evaluation saved with run `runID`, or nil when there is none.
    func evaluation(runID: String) throws -> Evaluation?

    /// Runs matching `filter`, newest first.
    func runs(filter: RunFilter) throws -> [RunSummaryRow]

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

    /// The metric samples of `runIDs`, pooled per service × driver and metric; build metrics from `scenario`.
    func samples(runIDs: [String], scenario: BuildScenario) throws -> [ServiceDriver: [Metric: [Double]]]

    /// The samples kept by baseline `name`, pooled like `samples(runIDs:scenario:)`.
    /// - Throws: `HistoryError` with code `baselineNotFound`.
    func samples(baseline name: String, scenario: BuildScenario) throws -> [ServiceDriver: [Metric: [Double]]]

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

    /// Every annotation, oldest first.
    func annotations() throws -> [Annotation]
}
