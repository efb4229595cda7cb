import ContainerBenchModel
import Foundation

extension HistoryStore {
    /// The runs matching `filter`, or with `metric` the medians of that metric per run and service × driver
    /// (completed runs only unless the filter names a status, as the series of the trend plots).
    /// - Throws: `HistoryError` when the history cannot be read.
    public func listing(filter: RunFilter, metric: Metric?) throws -> HistoryListing {
        guard let metric else { return HistoryListing(runs: try runs(filter: filter)) }
        return HistoryListing(metric: metric, points: try metricListing(filter: filter, metric: metric))
    }
}
