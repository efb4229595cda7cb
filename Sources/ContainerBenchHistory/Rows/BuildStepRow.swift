import Foundation

/// `build_steps`: One BuildKit step of a build.
struct BuildStepRow: HistoryTableRow {
    static let table = "build_steps"

    /// The build's row id.
    var buildID: Int64
    var position: Int
    var name: String
    var seconds: Double
    var cached: Bool
}
