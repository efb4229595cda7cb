import Foundation

/// `baselines`: A named baseline.
struct BaselineRow: HistoryTableRow {
    static let table = "baselines"

    var name: String
    /// Milliseconds since 1970.
    var createdAt: Int64
    var description: String
    /// JSON array of run ids.
    var runIds: String
    var fingerprintKey: String?
}
