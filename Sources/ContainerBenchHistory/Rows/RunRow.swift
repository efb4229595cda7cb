import Foundation

/// `runs`: A run's own row: what it is, how it ended, and the counts the listing shows (schema v4 on).
struct RunRow: HistoryTableRow {
    static let table = "runs"

    /// The run's id.
    var id: String
    /// Milliseconds since 1970.
    var startedAt: Int64
    /// Milliseconds since 1970, when it ended.
    var finishedAt: Int64?
    /// `RunStatus` raw value.
    var status: String
    /// The free label.
    var label: String?
    /// The suite file or "command line".
    var suite: String
    /// `EnvironmentFingerprint.comparabilityKey`.
    var fingerprintKey: String
    /// Trials of the suite's services.
    var trialCount: Int
    /// Of those, the failed ones.
    var failedTrialCount: Int
    /// Warnings recorded.
    var warningCount: Int
    /// Errors recorded.
    var errorCount: Int
}
