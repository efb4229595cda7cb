import Foundation

/// `images`: One image a run inspected.
struct ImageRow: HistoryTableRow {
    static let table = "images"

    /// Assigned by the database.
    var id: Int64?
    var runID: String
    var position: Int
    var service: String
    var driver: String
    var imageID: String
    var bytes: Int64
    var compressedBytes: Int64?
    var baseBytes: Int64?
    var user: String?
    var hasHealthcheck: Bool
    /// `ImageInventory` as JSON (schema v5 on; null when not read, and in older runs).
    var inventory: String?
}
