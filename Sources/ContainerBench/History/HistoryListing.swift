import Foundation

/// What `containerbench history` prints: the runs, newest first, or with a metric the per-run medians of that
/// metric for each service × driver. Rendered as a table or as versioned JSON (`containerbench.history/v1`).
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

    /// Lists the runs matching `filter`, or with `metric` the medians of that metric per run and service × driver
    /// (completed runs only, as the series of the trend plots).
    /// - Throws: `HistoryError` when the history cannot be read.
    public static func make(store: any HistoryStore, filter: RunFilter, metric: Metric?) throws -> HistoryListing {
        guard let metric else { return HistoryListing(runs: try store.runs(filter: filter)) }
        // The series come per service × driver; the filter's runs decide which runs and pairs are listed.
        var unlimited = filter
        unlimited.limit = nil
        unlimited.status = filter.status ?? .completed
        let rows = try store.runs(filter: unlimited)
        let pairs = Set(rows.flatMap(\.pairs)).filter { pair in
            (filter.service == nil || pair.service == filter.service)
                && (filter.driver == nil || pair.driver == filter.driver)
        }
        let wanted = Set(rows.map(\.id))
        var points: [MetricPoint] = []
        for pair in pairs {
            let series = try store.series(
                service: pair.service, driver: pair.driver, metric: metric, scenario: .cold, since: filter.since,
                limit: nil)
            for point in series where wanted.contains(point.runID) {
                points.append(
                    MetricPoint(
                        runID: point.runID, startedAt: point.date, label: point.label, service: pair.service,
                        driver: pair.driver, median: point.median, n: point.samples.count))
            }
        }
        points.sort { left, right in
            if left.startedAt != right.startedAt { return left.startedAt > right.startedAt }
            return (left.runID, left.service, left.driver) < (right.runID, right.service, right.driver)
        }
        if let limit = filter.limit {
            let keptRuns = Set(rows.map(\.id).filter { id in points.contains { $0.runID == id } }.prefix(limit))
            points = points.filter { keptRuns.contains($0.runID) }
        }
        return HistoryListing(metric: metric, points: points)
    }

    /// An aligned table: one row per run, or per run × service × driver with a metric.
    public func renderTable() -> String {
        if let metric {
            guard !points.isEmpty else { return "no completed run measured \(metric.rawValue) with these filters\n" }
            return TextTable(
                headers: ["RUN", "STARTED (UTC)", "LABEL", "SERVICE", "DRIVER", "N", "MEDIAN \(metric.rawValue)"],
                alignments: [.left, .left, .left, .left, .left, .right, .right],
                rows: points.map {
                    [
                        $0.runID, ReportText.date($0.startedAt), $0.label ?? "-", $0.service, $0.driver, "\($0.n)",
                        ReportText.value($0.median, metric),
                    ]
                }
            ).render()
        }
        guard !runs.isEmpty else { return "no runs match these filters\n" }
        return TextTable(
            headers: ["RUN", "STARTED (UTC)", "STATUS", "LABEL", "TRIALS", "FAILED", "SERVICES", "COMMIT"],
            alignments: [.left, .left, .left, .left, .right, .right, .left, .left],
            rows: runs.map { row in
                [
                    row.id, ReportText.date(row.startedAt), row.status.rawValue, row.label ?? "-", "\(row.trialCount)",
                    "\(row.failedTrialCount)", row.pairs.map(\.description).joined(separator: " "),
                    row.gitCommit.map { String($0.prefix(10)) } ?? "-",
                ]
            }
        ).render()
    }

    /// The listing as JSON (sorted keys, ISO 8601 dates).
    /// - Throws: `ReportError` with code `.encoding` when a value cannot be encoded.
    public func renderJSON() throws -> String {
        do {
            return String(decoding: try JSONReport.encoder().encode(self), as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the history listing as JSON: \(error)")
        }
    }
}
