import Foundation

/// `baseline_samples`: One sample a baseline keeps.
struct BaselineSampleRow: HistoryTableRow {
    static let table = "baseline_samples"

    var baselineName: String
    var runID: String
    var service: String
    var driver: String
    var metric: String
    var scenario: String
    var position: Int
    var value: Double
}
