import Foundation

/// `trials`: One trial: phases, memory summary and load, flat (the timeline is in `trial_timelines`).
struct TrialRow: HistoryTableRow {
    static let table = "trials"

    /// Assigned by the database.
    var id: Int64?
    var runID: String
    /// An engine-floor trial.
    var isFloor: Bool
    var position: Int
    var service: String
    var driver: String
    var trialIndex: Int
    var succeeded: Bool
    /// The failure as text, for people and older readers.
    var failure: String?
    /// `TrialFailure.Kind` raw value.
    var failureKind: String?
    /// The whole `TrialFailure` as JSON.
    var failureDetail: String?
    var coldCache: Bool
    var createdS: Double?
    var startedS: Double?
    var runningS: Double?
    var firstTcpS: Double?
    var readyS: Double?
    var healthyS: Double?
    var memoryPeakBytes: Int64?
    var memoryWorkingSetPeakBytes: Int64?
    var memoryRssPeakBytes: Int64?
    var memorySampleCount: Int?
    var memoryMeanIntervalS: Double?
    var loadRequests: Int?
    var loadFailures: Int?
    var loadConcurrency: Int?
    var loadSeconds: Double?
    var loadLatencyP50S: Double?
    var loadLatencyP95S: Double?
    var loadLatencyMaxS: Double?
    var loadMemoryPeakBytes: Int64?
    /// `MeasurementProvenance` as JSON (schema v5 on; null in older runs).
    var provenance: String?
}
