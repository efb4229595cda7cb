import Foundation

/// `metric_summaries`: One run's median of one cell, with the run's status and date copied so that trend and listing queries read one index in date order (schema v4 on).
struct MetricSummaryRow: HistoryTableRow {
    static let table = "metric_summaries"

    var runID: String
    var service: String
    var driver: String
    var metric: String
    var scenario: String
    /// The run's status.
    var status: String
    /// The run's start, milliseconds since 1970.
    var startedAt: Int64
    /// Samples the median is of.
    var n: Int
    var median: Double
}
