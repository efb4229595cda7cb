import ContainerBenchHistory
import ContainerBenchModel
import ContainerBenchPlot
import ContainerBenchReport
import ContainerBenchStatistics
import Foundation
import Logging

/// Renders the plots of a run (and of its history) and writes its reports into one directory: the last stage of a
/// run, and what `report` and `plot` use to draw the same charts.
public struct ArtifactStage: Sendable {
    public var renderer: GnuplotRenderer
    public var logger: Logger

    public init(renderer: GnuplotRenderer = GnuplotRenderer(), logger: Logger) {
        self.renderer = renderer
        self.logger = logger
    }

    /// The trend of `metric` for one service × driver from the history, with the budget, the noise band of the
    /// earlier runs and the change points found; only runs started at or after `since` when given.
    public static func trendSeries(
        store: any HistoryStore, service: String, driver: String, metric: Metric, targets: Targets?, limit: Int = 60,
        since: Date? = nil
    ) throws -> TrendSeries? {
        let points = try store.series(
            service: service, driver: driver, metric: metric, scenario: .cold, since: since, limit: limit)
        guard !points.isEmpty else { return nil }
        let budget = targets?.budgets.first { $0.metric == metric && $0.applies(service: service, driver: driver) }?.max
        let medians = points.map(\.median)
        var band: ClosedRange<Double>?
        if medians.count >= 3, let summary = Summary(Array(medians.dropLast())) {
            let spread = max(3 * 1.4826 * summary.mad, summary.median * 0.01)
            band = (summary.median - spread)...(summary.median + spread)
        }
        let changes = (try? ChangePointDetector().changePoints(in: medians)) ?? []
        return TrendSeries(
            service: service, driver: driver, metric: metric,
            points: points.map {
                TrendSeries.Point(runID: $0.runID, date: $0.date, median: $0.median, samples: $0.samples)
            },
            budget: budget, noiseBand: band, changePoints: changes)
    }

    /// Renders every plot that has data for `record` into `directory`; a plot that cannot be drawn is logged and
    /// skipped (never drawn empty).
    public func plots(
        for record: RunRecord, store: (any HistoryStore)?, targets: Targets?, directory: URL,
        metrics: [Metric] = [.startupSeconds, .memoryPeakBytes, .imageBytes, .buildSeconds]
    ) async -> [RenderedPlot] {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var rendered: [RenderedPlot] = []
        func draw(_ builder: some GnuplotChartBuilder, _ name: String) async {
            do {
                rendered.append(try await renderer.render(builder, in: directory, baseName: name))
            } catch {
                logger.info("plot skipped", metadata: ["plot": .string(name), "reason": .string("\(error)")])
            }
        }
        if let store {
            for pair in record.pairs {
                for metric in metrics {
                    if let series = try? Self.trendSeries(
                        store: store, service: pair.service, driver: pair.driver, metric: metric, targets: targets)
                    {
                        await draw(
                            TrendChart(series: series), "trend-\(pair.service)-\(pair.driver)-\(metric.rawValue)")
                    }
                }
            }
        }
        let services = record.pairs.map(\.service).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for service in services {
            await draw(DriverComparisonChart(record: record, service: service), "drivers-\(service)")
            await draw(ImageLayersChart(record: record, service: service), "layers-\(service)")
        }
        await draw(StartupDistributionChart(record: record), "startup-distribution")
        for pair in record.pairs {
            if let trial = record.trials.first(where: {
                $0.service == pair.service && $0.driver == pair.driver && $0.succeeded && !$0.samples.isEmpty
            }) {
                await draw(MemoryTimelineChart(trial: trial), "memory-\(pair.service)-\(pair.driver)")
            }
        }
        return rendered
    }

    /// Draws the run's plots and writes its reports (Markdown, JSON, JUnit, HTML) into `directory`, and copies of
    /// the formats in `extraReports` (with plot links relative to each copy's folder).
    /// - Returns: the report input the verdict and the terminal summary come from.
    /// - Throws: when a report cannot be written; plots that cannot be drawn are skipped, never drawn empty.
    public func run(
        record: RunRecord, evaluation: Evaluation, strict: Bool, targets: Targets?, store: (any HistoryStore)?,
        directory: URL, extraReports: [(format: ReportFormat, url: URL)] = []
    ) async throws -> ReportInput {
        let rendered = await plots(for: record, store: store, targets: targets, directory: directory)
        let plots = rendered.compactMap { try? ReportPlot(rendered: $0, reportDirectory: directory) }
        let input = ReportInput(record: record, evaluation: evaluation, strict: strict, plots: plots)
        _ = try writeReports(input, formats: [.markdown, .json, .junit, .html], directory: directory)
        for (format, url) in extraReports {
            let copyInput = ReportInput(
                record: record, evaluation: evaluation, strict: strict,
                plots: rendered.compactMap {
                    try? ReportPlot(rendered: $0, reportDirectory: url.deletingLastPathComponent())
                })
            try Self.write(try ReportRenderer.render(copyInput, as: format), to: url)
        }
        return input
    }

    /// Writes `formats` of the report for `input` into `directory` as `report.<ext>`; returns the files.
    public func writeReports(_ input: ReportInput, formats: [ReportFormat], directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        for format in formats {
            let url = directory.appendingPathComponent("report.\(format.fileExtension)")
            try Self.write(try ReportRenderer.render(input, as: format), to: url)
            written.append(url)
        }
        return written
    }

    /// Writes text atomically (temporary file, then rename), so that nobody reads half a report.
    public static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
