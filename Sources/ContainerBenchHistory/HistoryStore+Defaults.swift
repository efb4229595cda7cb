import ContainerBenchModel
import Foundation

extension HistoryStore {
    /// Every run, newest first.
    public func runs() throws -> [RunSummaryRow] {
        try runs(filter: RunFilter())
    }

    /// The per-run samples of `metric` across every completed run, oldest first (cold builds for build metrics).
    public func series(service: String, driver: String, metric: Metric) throws -> [SeriesPoint] {
        try series(service: service, driver: driver, metric: metric, scenario: .cold, since: nil, limit: nil)
    }

    /// The metric samples of `runIDs`, pooled; cold builds for build metrics.
    public func samples(runIDs: [String]) throws -> [ServiceDriver: [Metric: [Double]]] {
        try samples(runIDs: runIDs, scenario: .cold)
    }

    /// The run-to-run noise of a machine: each cell's per-run medians over the newest `count` completed runs with
    /// `fingerprintKey` (leaving out `excluding`, e.g. the run being judged), oldest first.
    public func noiseHistory(
        fingerprintKey: String, count: Int, excluding: Set<String> = [], scenario: BuildScenario = .cold
    ) throws -> [ServiceDriver: [Metric: [RunMedian]]] {
        let runs = try lastGoodRuns(count: count, fingerprintKey: fingerprintKey, excluding: excluding)
        return try runMedians(runIDs: runs.map(\.id), scenario: scenario)
    }
}
