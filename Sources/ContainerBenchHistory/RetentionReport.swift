import Foundation

/// What a retention pass did.
public struct RetentionReport: Sendable, Equatable {
    /// Runs whose timelines were kept complete (the newest, and those a baseline names).
    public var keptRuns: Int
    /// Trial timelines thinned.
    public var thinnedTimelines: Int
    /// Trial timelines dropped.
    public var droppedTimelines: Int
    /// The history's size before and after, in bytes, when the store can tell.
    public var bytesBefore: Int64?
    /// The size after (and after the vacuum, if one ran).
    public var bytesAfter: Int64?

    /// A report.
    public init(
        keptRuns: Int, thinnedTimelines: Int, droppedTimelines: Int, bytesBefore: Int64?, bytesAfter: Int64?
    ) {
        self.keptRuns = keptRuns
        self.thinnedTimelines = thinnedTimelines
        self.droppedTimelines = droppedTimelines
        self.bytesBefore = bytesBefore
        self.bytesAfter = bytesAfter
    }
}
