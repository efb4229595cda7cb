import Foundation

/// `evaluations`: The evaluation stored with a run.
struct EvaluationRow: HistoryTableRow {
    static let table = "evaluations"

    var runID: String
    var evaluatedRunID: String
    var baselineDescription: String?
}
