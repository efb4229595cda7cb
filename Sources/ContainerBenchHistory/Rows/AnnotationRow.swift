import Foundation

/// `annotations`: An acknowledged change.
struct AnnotationRow: HistoryTableRow {
    static let table = "annotations"

    /// Assigned by the database.
    var id: Int64?
    var service: String
    var driver: String
    var metric: String
    var fromRunID: String
    var note: String
    /// Milliseconds since 1970.
    var createdAt: Int64
}
