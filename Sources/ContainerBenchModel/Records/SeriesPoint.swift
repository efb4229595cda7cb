import ContainerBenchStatistics
import Foundation

/// One run's samples of one metric for one service × driver: a point of a trend plot.
public struct SeriesPoint: Sendable, Codable, Equatable {
    /// The run the samples come from.
    public var runID: String
    /// When that run started.
    public var date: Date
    /// The run's label.
    public var label: String?
    /// `EnvironmentFingerprint.comparabilityKey` of the run's machine: a change of key is a change of machine.
    public var fingerprintKey: String
    /// The samples, in trial order (one for image sizes, one per build or successful trial otherwise).
    public var samples: [Double]
    /// The median of `samples`.
    public var median: Double

    /// Makes a point; `median` is computed from `samples`, nil when there are none.
    public init?(runID: String, date: Date, label: String?, fingerprintKey: String, samples: [Double]) {
        guard let summary = Summary(samples) else { return nil }
        self.runID = runID
        self.date = date
        self.label = label
        self.fingerprintKey = fingerprintKey
        self.samples = samples
        self.median = summary.median
    }
}
