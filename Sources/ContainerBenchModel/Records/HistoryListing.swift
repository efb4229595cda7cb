import ContainerBenchModel
import Foundation

/// What `containerbench history` prints: the runs, newest first, or with a metric the per-run medians of that
/// metric for each service × driver. The history makes it (`HistoryStore.listing`); the report layer renders it as a
/// table or as versioned JSON (`containerbench.history/v1`).
public struct HistoryListing: Sendable, Codable, Equatable {
    /// The schema string every JSON document carries.
    public static let schema = "containerbench.history/v1"

    /// One run's median of the listed metric for one service × driver.
    public struct MetricPoint: Sendable, Codable, Equatable {
        /// The run.
        public var runID: String
        /// When the run started.
        public var startedAt: Date
        /// The run's label.
        public var label: String?
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The median of the run's samples.
        public var median: Double
        /// How many samples the median is of.
        public var n: Int

        /// Makes a point.
        public init(
            runID: String, startedAt: Date, label: String?, service: String, driver: String, median: Double, n: Int
        ) {
            self.runID = runID
            self.startedAt = startedAt
            self.label = label
            self.service = service
            self.driver = driver
            self.median = median
            self.n = n
        }
    }

    /// Always `containerbench.history/v1`.
    public var schema: String
    /// The metric listed, when one was asked for (then `points` is filled, `runs` is empty).
    public var metric: Metric?
    /// The runs, newest first (without a metric).
    public var runs: [RunSummaryRow]
    /// The per-run medians, newest run first, then by service and driver (with a metric).
    public var points: [MetricPoint]

    /// A listing of runs.
    public init(runs: [RunSummaryRow]) {
        self.schema = Self.schema
        self.metric = nil
        self.runs = runs
        self.points = []
    }

    /// A listing of one metric's per-run medians.
    public init(metric: Metric, points: [MetricPoint]) {
        self.schema = Self.schema
        self.metric = metric
        self.runs = []
        self.points = points
    }
}
