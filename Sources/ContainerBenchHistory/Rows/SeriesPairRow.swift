import Foundation

/// `series_pairs`: A service × driver some completed run measured, with the newest such run's start: what `plot` draws without reading every run (schema v4 on).
struct SeriesPairRow: HistoryTableRow {
    static let table = "series_pairs"

    var service: String
    var driver: String
    /// Milliseconds since 1970.
    var lastCompletedAt: Int64
}
