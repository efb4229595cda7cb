import Foundation

/// `builds`: One build of a run.
struct BuildRow: HistoryTableRow {
    static let table = "builds"

    /// Assigned by the database.
    var id: Int64?
    var runID: String
    /// Order within the run.
    var position: Int
    var service: String
    var driver: String
    /// `BuildScenario` raw value.
    var scenario: String
    var seconds: Double
    var succeeded: Bool
    var imageID: String?
    var logTail: String?
}
