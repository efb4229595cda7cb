import Foundation

/// One line of the history listing: a run without its measurements.
public struct RunSummaryRow: Sendable, Codable, Equatable {
    /// The run's id.
    public var id: String
    /// When the run started.
    public var startedAt: Date
    /// When the run ended (nil while running or when it was killed before saving its end).
    public var finishedAt: Date?
    /// How the run ended.
    public var status: RunStatus
    /// The run's free label.
    public var label: String?
    /// The suite file or "command line".
    public var suite: String
    /// `EnvironmentFingerprint.comparabilityKey` of the run's machine.
    public var fingerprintKey: String
    /// The suite's git commit, when known.
    public var gitCommit: String?
    /// The service × driver pairs the run measured, sorted.
    public var pairs: [ServiceDriver]
    /// Trials of the suite's services (floor trials not counted).
    public var trialCount: Int
    /// Of those, the trials that failed.
    public var failedTrialCount: Int
    /// Number of warnings and errors recorded.
    public var warningCount: Int
    /// Number of errors recorded.
    public var errorCount: Int

    /// Makes a row; the store builds these, tests and reports may too.
    public init(
        id: String, startedAt: Date, finishedAt: Date?, status: RunStatus, label: String?, suite: String,
        fingerprintKey: String, gitCommit: String?, pairs: [ServiceDriver], trialCount: Int, failedTrialCount: Int,
        warningCount: Int, errorCount: Int
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.label = label
        self.suite = suite
        self.fingerprintKey = fingerprintKey
        self.gitCommit = gitCommit
        self.pairs = pairs
        self.trialCount = trialCount
        self.failedTrialCount = failedTrialCount
        self.warningCount = warningCount
        self.errorCount = errorCount
    }
}
