import Foundation

/// `trial_timelines`: A trial's memory timeline, packed by `TimelineCodec` (schema v4 on).
struct TrialTimelineRow: HistoryTableRow {
    static let table = "trial_timelines"

    /// The trial's row id.
    var trialID: Int64
    /// The run, so that retention finds a run's timelines by index.
    var runID: String
    /// Samples stored in `data`.
    var sampleCount: Int
    /// Every sample the trial took (as many as its memory summary counted); false once thinned.
    var complete: Bool
    /// `TimelineCodec.encoding`.
    var encoding: String
    /// The packed samples.
    var data: [UInt8]
}
