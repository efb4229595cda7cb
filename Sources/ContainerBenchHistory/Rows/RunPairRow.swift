import Foundation

/// `run_pairs`: A service × driver a run built, inspected or started (schema v4 on).
struct RunPairRow: HistoryTableRow {
    static let table = "run_pairs"

    var runID: String
    var service: String
    var driver: String
}
