import ContainerBenchModel
import Foundation

/// One trial's memory over time (working set, RSS, page cache) with its phases marked.
public struct MemoryTimelineChart: GnuplotChartBuilder {
    /// A named moment of the trial, drawn as a vertical line.
    public struct Marker: Sendable, Equatable {
        /// "started", "ready", ...
        public var name: String
        /// Seconds since the create call.
        public var t: Double

        /// A marker; see the properties.
        public init(name: String, t: Double) {
            self.name = name
            self.t = t
        }
    }

    /// What the chart is of, e.g. `fastapi/uv trial 3`.
    public var subject: String
    /// The memory readings.
    public var samples: [MemorySample]
    /// Phases to mark.
    public var markers: [Marker]
    /// When the load phase ran, shaded.
    public var loadWindow: ClosedRange<Double>?

    /// A timeline of explicit values; see the properties.
    public init(subject: String, samples: [MemorySample], markers: [Marker], loadWindow: ClosedRange<Double>? = nil) {
        self.subject = subject
        self.samples = samples
        self.markers = markers
        self.loadWindow = loadWindow
    }

    /// The timeline of `trial`: markers at started, first TCP, ready and healthy (where measured); the load
    /// phase is taken to start at ready and last the load's seconds.
    public init(trial: TrialRecord) {
        let phases: [(String, Double?)] = [
            ("started", trial.phases.started), ("first TCP", trial.phases.firstTCP), ("ready", trial.phases.ready),
            ("healthy", trial.phases.healthy),
        ]
        var window: ClosedRange<Double>?
        if let ready = trial.phases.ready, let load = trial.load, load.seconds > 0 {
            window = ready...(ready + load.seconds)
        }
        self.init(
            subject: "\(trial.service)/\(trial.driver) trial \(trial.index + 1)", samples: trial.samples,
            markers: phases.compactMap { name, t in t.map { Marker(name: name, t: $0) } }, loadWindow: window)
    }

    /// The chart.
    /// - Throws: `PlotError.emptySeries` when the trial has no memory samples.
    public func makeChart() throws -> GnuplotChart {
        guard !samples.isEmpty else { throw PlotError.emptySeries(chart: "memory timeline", series: subject) }
        let sorted = samples.sorted { $0.t < $1.t }
        let title = "memory of \(subject) (\(sorted.count) samples)"
        let style = sorted.count > 1 ? "lines lw 2" : "points pt 7"
        var commands = [
            "set title \(GnuplotText.quoted(title))",
            "set xlabel 'time since create (s)'",
            "set ylabel 'memory (MB)'",
            "set key outside right top box",
            "set grid",
            "set yrange [0:*]",
        ]
        for (number, marker) in markers.enumerated() {
            let x = GnuplotText.number(marker.t)
            commands.append(
                "set arrow \(number + 1) from \(x), graph 0 to \(x), graph 1 nohead dt 2 lc rgb '\(PlotPalette.marker)'"
            )
            commands.append(
                "set label \(number + 1) \(GnuplotText.quoted(marker.name)) at \(x), graph 0.98 "
                    + "rotate by 90 right offset -0.8,0 tc rgb '\(PlotPalette.marker)'")
        }
        var plots = [
            "$memory using 1:2 with \(style) lc rgb '#1f77b4' title 'working set'",
            "$memory using 1:3 with \(style) lc rgb '#2ca02c' title 'RSS'",
            "$memory using 1:4 with \(style) lc rgb '#ff7f0e' title 'page cache'",
        ]
        var titles = ["working set", "RSS", "page cache"]
        if let window = loadWindow {
            commands.append(
                "set object 1 rect from \(GnuplotText.number(window.lowerBound)), graph 0 to "
                    + "\(GnuplotText.number(window.upperBound)), graph 1 behind fc rgb '#eeeeee' fs solid noborder")
            plots.append("keyentry with boxes fc rgb '#dddddd' fs solid title 'load phase'")
            titles.append("load phase")
        }
        if !markers.isEmpty {
            plots.append("keyentry with lines dt 2 lc rgb '\(PlotPalette.marker)' title 'phase'")
            titles.append("phase")
        }
        commands.append("plot " + plots.joined(separator: ", \\\n     "))
        let lines = sorted.map { sample in
            [
                sample.t, Double(sample.workingSetBytes) * 1e-6, Double(sample.rssBytes) * 1e-6,
                Double(sample.cacheBytes) * 1e-6,
            ]
            .map { GnuplotText.number($0) }.joined(separator: " ")
        }
        return GnuplotChart(
            kind: .memoryTimeline, title: title, width: 1000, height: 500,
            dataBlocks: [.init(name: "memory", lines: lines)], commands: commands, seriesTitles: titles)
    }
}
