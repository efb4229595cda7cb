import Foundation

/// `verdicts`: One verdict of an evaluation; the verdict itself is JSON.
struct VerdictRow: HistoryTableRow {
    static let table = "verdicts"

    var runID: String
    /// `budget`, `ratio`, `regression` or `policy`.
    var kind: String
    var position: Int
    var service: String
    var driver: String?
    var metric: String?
    var outcome: String
    /// The verdict as JSON.
    var payload: String
}
