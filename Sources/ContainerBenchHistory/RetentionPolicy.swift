import Foundation

/// What `gc --prune-history` keeps of the memory timelines. Per-trial summaries (peaks, phases, load) and every
/// metric sample are kept forever; only the 40 Hz timelines behind the memory charts grow without bound.
public struct RetentionPolicy: Sendable, Equatable {
    /// The newest runs whose timelines stay complete.
    public var keepTimelines: Int
    /// Points an older trial's timeline is thinned to (peaks kept); 0 drops older timelines altogether.
    public var timelinePoints: Int
    /// Whether to reclaim the freed space afterwards (SQLite `VACUUM`, PostgreSQL `VACUUM` of the timeline table).
    public var vacuum: Bool

    /// The default: the newest 20 runs complete, older trials thinned to 48 points, space reclaimed. Runs that a
    /// baseline names keep their timelines whatever their age.
    public static let `default` = RetentionPolicy(keepTimelines: 20, timelinePoints: 48, vacuum: true)

    /// A policy.
    public init(keepTimelines: Int, timelinePoints: Int, vacuum: Bool) {
        self.keepTimelines = keepTimelines
        self.timelinePoints = timelinePoints
        self.vacuum = vacuum
    }
}
