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

    /// The per-run samples of `metric` across completed runs for one build `scenario`, oldest first.
    public func series(service: String, driver: String, metric: Metric, scenario: BuildScenario) throws
        -> [SeriesPoint]
    {
        try series(service: service, driver: driver, metric: metric, scenario: scenario, since: nil, limit: nil)
    }

    /// The per-run samples of `metric` of the newest `limit` completed runs started at or after `since`, oldest
    /// first (cold builds for build metrics).
    public func series(service: String, driver: String, metric: Metric, since: Date? = nil, limit: Int?) throws
        -> [SeriesPoint]
    {
        try series(service: service, driver: driver, metric: metric, scenario: .cold, since: since, limit: limit)
    }

    /// The samples kept by baseline `name`, pooled; cold builds for build metrics.
    public func samples(baseline name: String) throws -> [ServiceDriver: [Metric: [Double]]] {
        try samples(baseline: name, scenario: .cold)
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
