import ContainerBenchModel
import Foundation

/// One metric of one service × driver over runs, with what a trend chart marks on it.
/// The lead's history store fills it; nothing here reads the history.
public struct TrendSeries: Sendable, Equatable {
    /// One run's value of the metric.
    public struct Point: Sendable, Equatable {
        /// The run's id.
        public var runID: String
        /// When the run started.
        public var date: Date
        /// The run's median of the metric, in the metric's stored unit.
        public var median: Double
        /// The run's individual samples (trials), drawn as dots; may be empty.
        public var samples: [Double]

        /// A point; see the properties.
        public init(runID: String, date: Date, median: Double, samples: [Double] = []) {
            self.runID = runID
            self.date = date
            self.median = median
            self.samples = samples
        }
    }

    /// The service.
    public var service: String
    /// The driver.
    public var driver: String
    /// The metric.
    public var metric: Metric
    /// The runs, oldest first.
    public var points: [Point]
    /// The budget's limit in the metric's stored unit, drawn as a dashed line.
    public var budget: Double?
    /// The baseline's noise band (e.g. median ± 3 MAD) in the stored unit, drawn filled.
    public var noiseBand: ClosedRange<Double>?
    /// Indices into `points` of the first run after each detected change point.
    public var changePoints: [Int]

    /// A series; see the properties.
    public init(
        service: String, driver: String, metric: Metric, points: [Point], budget: Double? = nil,
        noiseBand: ClosedRange<Double>? = nil, changePoints: [Int] = []
    ) {
        self.service = service
        self.driver = driver
        self.metric = metric
        self.points = points
        self.budget = budget
        self.noiseBand = noiseBand
        self.changePoints = changePoints
    }
}
