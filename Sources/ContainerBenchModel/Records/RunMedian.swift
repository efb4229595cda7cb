import Foundation

/// One run's median of one cell (service × driver × metric): a point of the run-to-run noise history the verdicts
/// judge a change against.
public struct RunMedian: Sendable, Codable, Equatable {
    /// The run.
    public var runID: String
    /// When it started.
    public var startedAt: Date
    /// The median of its samples of the cell.
    public var median: Double
    /// How many samples the median is of.
    public var n: Int

    /// Makes a point.
    public init(runID: String, startedAt: Date, median: Double, n: Int) {
        self.runID = runID
        self.startedAt = startedAt
        self.median = median
        self.n = n
    }
}
