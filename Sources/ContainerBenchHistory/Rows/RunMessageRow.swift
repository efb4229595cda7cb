import Foundation

/// `run_messages`: A warning or an error of a run.
struct RunMessageRow: HistoryTableRow {
    static let table = "run_messages"

    var runID: String
    /// `warning` or `error`.
    var kind: String
    var position: Int
    var message: String
}
