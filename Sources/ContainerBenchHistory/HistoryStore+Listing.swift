import ContainerBenchModel
import Foundation

extension HistoryStore {
    /// The runs matching `filter`, or with `metric` the medians of that metric per run and service × driver
    /// (completed runs only, as the series of the trend plots).
    /// - Throws: `HistoryError` when the history cannot be read.
    public func listing(filter: RunFilter, metric: Metric?) throws -> HistoryListing {
        guard let metric else { return HistoryListing(runs: try runs(filter: filter)) }
        // The series come per service × driver; the filter's runs decide which runs and pairs are listed.
        var unlimited = filter
        unlimited.limit = nil
        unlimited.status = filter.status ?? .completed
        let rows = try runs(filter: unlimited)
        let pairs = Set(rows.flatMap(\.pairs)).filter { pair in
            (filter.service == nil || pair.service == filter.service)
                && (filter.driver == nil || pair.driver == filter.driver)
        }
        let wanted = Set(rows.map(\.id))
        var points: [HistoryListing.MetricPoint] = []
        for pair in pairs {
            let series = try series(
                service: pair.service, driver: pair.driver, metric: metric, scenario: .cold, since: filter.since,
                limit: nil)
            for point in series where wanted.contains(point.runID) {
                points.append(
                    HistoryListing.MetricPoint(
                        runID: point.runID, startedAt: point.date, label: point.label, service: pair.service,
                        driver: pair.driver, median: point.median, n: point.samples.count))
            }
        }
        points.sort { left, right in
            if left.startedAt != right.startedAt { return left.startedAt > right.startedAt }
            return (left.runID, left.service, left.driver) < (right.runID, right.service, right.driver)
        }
        if let limit = filter.limit {
            let keptRuns = Set(rows.map(\.id).filter { id in points.contains { $0.runID == id } }.prefix(limit))
            points = points.filter { keptRuns.contains($0.runID) }
        }
        return HistoryListing(metric: metric, points: points)
    }
}
