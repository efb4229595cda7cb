import Foundation

/// The JSON a baseline is exported to and imported from (`baselines/NAME.json`, reviewed in git).
///
/// The format is versioned: `format` is always `containerbench-baseline`, `version` is raised on every change
/// that an older binary could misread. Dates are ISO 8601 with milliseconds.
public struct BaselineFile: Sendable, Codable, Equatable {
    /// The current version of the format.
    public static let currentVersion = 1
    /// The value of `format` in every baseline file.
    public static let formatName = "containerbench-baseline"

    /// Always `containerbench-baseline`.
    public var format: String
    /// The format version the file was written with.
    public var version: Int
    /// The baseline's name and description.
    public var baseline: Baseline
    /// The samples, one entry per run × service × driver × metric × scenario.
    public var samples: [Entry]

    /// One run's samples of one metric.
    public struct Entry: Sendable, Codable, Equatable {
        /// The run the samples come from.
        public var runID: String
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The metric's name, e.g. `startup_seconds` (kept as text so newer metrics survive a round trip).
        public var metric: String
        /// The build scenario for build metrics, `"-"` for the others.
        public var scenario: String
        /// The samples in trial order.
        public var values: [Double]

        /// Makes an entry.
        public init(runID: String, service: String, driver: String, metric: String, scenario: String, values: [Double])
        {
            self.runID = runID
            self.service = service
            self.driver = driver
            self.metric = metric
            self.scenario = scenario
            self.values = values
        }
    }

    /// Makes a file of the current version.
    public init(baseline: Baseline, samples: [Entry]) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.baseline = baseline
        self.samples = samples
    }
}
