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
}
