import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The drivers of one service side by side (uv vs pip): build seconds per scenario, image MB, startup median
/// and memory peak, as grouped bars in a multiplot. Panels without any value are left out.
public struct DriverComparisonChart: GnuplotChartBuilder {
    /// The service.
    public var service: String
    /// The drivers, in bar order.
    public var drivers: [String]
    /// Median build seconds by scenario, then driver.
    public var buildSeconds: [BuildScenario: [String: Double]]
    /// Uncompressed image bytes by driver.
    public var imageBytes: [String: Double]
    /// Median startup seconds (create to ready) by driver.
    public var startupMedianSeconds: [String: Double]
    /// Median of the trials' memory peaks, in bytes, by driver.
    public var memoryPeakBytes: [String: Double]

    /// A comparison of explicit values; see the properties.
    public init(
        service: String, drivers: [String], buildSeconds: [BuildScenario: [String: Double]],
        imageBytes: [String: Double], startupMedianSeconds: [String: Double], memoryPeakBytes: [String: Double]
    ) {
        self.service = service
        self.drivers = drivers
        self.buildSeconds = buildSeconds
        self.imageBytes = imageBytes
        self.startupMedianSeconds = startupMedianSeconds
        self.memoryPeakBytes = memoryPeakBytes
    }

    /// The medians `record` measured for `service`, with its drivers in the record's order.
    public init(record: RunRecord, service: String) {
        let drivers = record.pairs.filter { $0.service == service }.map(\.driver)
        func medians(_ metric: Metric, scenario: BuildScenario = .cold) -> [String: Double] {
            var result: [String: Double] = [:]
            for driver in drivers {
                let values = record.values(of: metric, service: service, driver: driver, scenario: scenario)
                if let summary = Summary(values) { result[driver] = summary.median }
            }
            return result
        }
        var builds: [BuildScenario: [String: Double]] = [:]
        for scenario in BuildScenario.allCases {
            let values = medians(.buildSeconds, scenario: scenario)
            if !values.isEmpty { builds[scenario] = values }
        }
        self.init(
            service: service, drivers: drivers, buildSeconds: builds, imageBytes: medians(.imageBytes),
            startupMedianSeconds: medians(.startupSeconds), memoryPeakBytes: medians(.memoryPeakBytes))
    }

    /// The chart.
    /// - Throws: `PlotError.emptySeries` when there are no drivers or no panel has a value.
    public func makeChart() throws -> GnuplotChart {
        guard !drivers.isEmpty else { throw PlotError.emptySeries(chart: "driver comparison", series: service) }
        struct Panel {
            var block: String
            var title: String
            var ylabel: String
            var rows: [(label: String, values: [String: Double])]
            var format = "%.1f"
        }
        let scenarios = BuildScenario.allCases.filter { !(buildSeconds[$0] ?? [:]).isEmpty }
        var panels = [
            Panel(
                block: "build", title: "build time per scenario (median)", ylabel: "build_seconds (s)",
                rows: scenarios.map { ($0.rawValue, buildSeconds[$0] ?? [:]) }),
            Panel(
                block: "image", title: "image size (uncompressed)", ylabel: "image_bytes (MB)",
                rows: [("image", imageBytes.mapValues { $0 * 1e-6 })]),
            Panel(
                block: "startup", title: "startup to ready (median)", ylabel: "startup_seconds (s)",
                rows: [("startup", startupMedianSeconds)], format: "%.2f"),
            Panel(
                block: "memory", title: "memory peak (median of trials)", ylabel: "memory_peak_bytes (MB)",
                rows: [("memory peak", memoryPeakBytes.mapValues { $0 * 1e-6 })]),
        ]
        panels.removeAll { panel in panel.rows.allSatisfy { row in drivers.allSatisfy { row.values[$0] == nil } } }
        guard !panels.isEmpty else {
            throw PlotError.emptySeries(chart: "driver comparison", series: "\(service) (no build, image or trial)")
        }
        let title = "\(service): \(drivers.joined(separator: " vs "))"
        let columns = panels.count > 1 ? 2 : 1
        let rows = (panels.count + 1) / 2
        var blocks: [GnuplotChart.DataBlock] = []
        var commands = [
            "set style data histogram",
            "set style histogram clustered gap 1",
            "set style fill solid 0.8 border -1",
            "set boxwidth 0.9",
            "set grid ytics",
            "set key top right",
            "set yrange [0:*]",
            "set offsets 0, 0, graph 0.15, 0",
            "set multiplot layout \(rows),\(columns) title \(GnuplotText.quoted(title)) font ',13'",
        ]
        let count = Double(drivers.count)
        for panel in panels {
            blocks.append(
                .init(
                    name: panel.block,
                    lines: panel.rows.map { row in
                        ([GnuplotText.dataLabel(row.label)] + drivers.map { GnuplotText.number(row.values[$0]) })
                            .joined(separator: " ")
                    }))
            commands.append("set title \(GnuplotText.quoted(panel.title))")
            commands.append("set ylabel \(GnuplotText.quoted(panel.ylabel))")
            var plots: [String] = []
            for (index, driver) in drivers.enumerated() {
                let column = index + 2
                let xtic = index == 0 ? ":xtic(1)" : ""
                plots.append(
                    "$\(panel.block) using \(column)\(xtic) lc rgb '\(PlotPalette.color(forDriver: driver))' "
                        + "title \(GnuplotText.quoted(driver))")
            }
            for index in drivers.indices {
                let column = index + 2
                let offset = (Double(index) - (count - 1) / 2) / (count + 1)
                plots.append(
                    "$\(panel.block) using ($0\(offset < 0 ? "" : "+")\(GnuplotText.number(offset))):"
                        + "\(column):(sprintf('\(panel.format)', column(\(column)))) with labels offset 0,0.7 notitle")
            }
            commands.append("plot " + plots.joined(separator: ", \\\n     "))
        }
        commands.append("unset multiplot")
        return GnuplotChart(
            kind: .driverComparison, title: title, width: 1200, height: rows == 1 ? 450 : 800, dataBlocks: blocks,
            commands: commands, seriesTitles: drivers)
    }
}
