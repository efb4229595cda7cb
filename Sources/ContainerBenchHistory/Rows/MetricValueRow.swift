import Foundation

/// `metric_values`: One sample of one metric, as `RunRecord.values(of:...)` extracts it.
struct MetricValueRow: HistoryTableRow {
    static let table = "metric_values"

    var runID: String
    var service: String
    var driver: String
    /// `Metric` raw value.
    var metric: String
    /// The build scenario for build metrics, `-` for the others.
    var scenario: String
    /// Order within the cell.
    var position: Int
    var value: Double
}
