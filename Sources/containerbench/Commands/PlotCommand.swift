import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench plot`: trend charts of metrics across the history.
struct PlotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Render trend charts (per-run medians over time) from the history with gnuplot.",
        discussion: """
            One chart per service × driver × metric with data: the medians of completed runs, the budget line \
            (with --targets), the noise band of earlier runs and the change points found. Files are named \
            trend-SERVICE-DRIVER-METRIC.{png,svg}; the command lists what it wrote. Exit codes: 0 written, \
            4 nothing to plot, gnuplot failed or the history cannot be read, 64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("service"), help: "Only this service (repeatable; default: every service).")
    var services: [String] = []

    @Option(name: .customLong("driver"), help: "Only this driver (repeatable; default: every driver).")
    var drivers: [String] = []

    @Option(
        name: .customLong("metric"), help: "The metric (repeatable; default: startup, memory peak, image, build).",
        transform: HistoryInputs.metric)
    var metrics: [Metric] = []

    @Option(
        help: "Only runs started on or after this date (2026-01-31 or 2026-01-31T12:00:00Z).",
        transform: HistoryInputs.date)
    var since: Date?

    @Option(help: "At most this many of the newest runs per chart.")
    var limit: Int = 60

    @Option(help: "A targets file, for the budget line ('none' for none).")
    var targets: String = "none"

    @Option(help: "The folder the charts are written to.")
    var output: String = "results/plots"

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let loadedTargets = try HistoryInputs.guarded {
            targets == "none" ? nil : try TargetsLoader.load(path: targets)
        }
        let chosen = metrics.isEmpty ? [.startupSeconds, .memoryPeakBytes, .imageBytes, .buildSeconds] : metrics
        // The pairs come from a table of their own: no run is read to find them.
        let measured = try HistoryInputs.guarded { try store.measuredPairs(since: since) }
        let pairs =
            measured
            .filter {
                (services.isEmpty || services.contains($0.service)) && (drivers.isEmpty || drivers.contains($0.driver))
            }
            .sorted { ($0.service, $0.driver) < ($1.service, $1.driver) }
        let directory = URL(fileURLWithPath: output)
        let renderer = GnuplotRenderer()
        var written: [RenderedPlot] = []
        for pair in pairs {
            for metric in chosen {
                let series = try HistoryInputs.guarded {
                    try ArtifactStage.trendSeries(
                        store: store, service: pair.service, driver: pair.driver, metric: metric,
                        targets: loadedTargets, limit: limit, since: since)
                }
                guard let series else { continue }
                do {
                    written.append(
                        try await renderer.render(
                            TrendChart(series: series), in: directory,
                            baseName: "trend-\(pair.service)-\(pair.driver)-\(metric.rawValue)"))
                } catch {
                    throw CLI.fail(
                        "cannot draw the trend of \(metric.rawValue) for \(pair): \(error)", .infrastructureError)
                }
            }
        }
        guard !written.isEmpty else {
            let scope = services.isEmpty ? "any service" : services.joined(separator: ", ")
            throw CLI.fail(
                "nothing to plot: no completed run in \(store.location) measured \(chosen.map(\.rawValue).joined(separator: ", ")) "
                    + "for \(scope)\(since.map { " since \(ISO8601DateFormatter().string(from: $0))" } ?? "")",
                .infrastructureError)
        }
        for plot in written {
            let files = plot.images.values.map(\.path).sorted().joined(separator: ", ")
            print("\(plot.title): \(files)")
        }
        if !global.quiet { print("wrote \(written.count) chart(s) to \(directory.path)") }
    }
}
