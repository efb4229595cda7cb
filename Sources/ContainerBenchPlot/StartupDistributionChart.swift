import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// Startup times per service × driver: a box per group (quartiles, median, min-max whiskers) with every trial
/// as a jittered dot.
public struct StartupDistributionChart: GnuplotChartBuilder {
    /// The trials of one service × driver.
    public struct Group: Sendable, Equatable {
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// One value per successful trial, in seconds.
        public var seconds: [Double]

        /// A group; see the properties.
        public init(service: String, driver: String, seconds: [Double]) {
            self.service = service
            self.driver = driver
            self.seconds = seconds
        }
    }

    /// The groups, in box order.
    public var groups: [Group]
    /// The startup metric drawn (create to ready by default).
    public var metric: Metric

    /// A distribution chart of explicit groups; every group must have at least one trial.
    public init(groups: [Group], metric: Metric = .startupSeconds) {
        self.groups = groups
        self.metric = metric
    }

    /// The successful trials of every service × driver in `record` that has any (pairs whose trials all failed
    /// are left out: the report lists their failures).
    public init(record: RunRecord, metric: Metric = .startupSeconds) {
        let groups = record.pairs.map {
            Group(
                service: $0.service, driver: $0.driver,
                seconds: record.values(of: metric, service: $0.service, driver: $0.driver))
        }
        self.init(groups: groups.filter { !$0.seconds.isEmpty }, metric: metric)
    }

    /// The chart.
    /// - Throws: `PlotError.emptySeries` without groups or when a group has no trial.
    public func makeChart() throws -> GnuplotChart {
        guard !groups.isEmpty else {
            throw PlotError.emptySeries(chart: "startup distribution", series: "\(metric.rawValue) (no group)")
        }
        if let empty = groups.first(where: { $0.seconds.isEmpty }) {
            throw PlotError.emptySeries(
                chart: "startup distribution", series: "\(empty.service)/\(empty.driver) \(metric.rawValue)")
        }
        let scale = metric.plotScale
        let trials = groups.map(\.seconds.count).reduce(0, +)
        let title = "\(metric.rawValue) per service × driver (\(trials) trials)"
        // Boxes are drawn as candlesticks from quartiles computed here: gnuplot's own boxplot style draws
        // nothing for fewer than four points, and a run often has three trials.
        var blocks = [
            GnuplotChart.DataBlock(
                name: "boxes",
                lines: groups.enumerated().map { index, group in
                    let sorted = group.seconds.sorted().map { $0 * scale.factor }
                    let values = [
                        Summary.quantile(sorted: sorted, 0.25), sorted[0], sorted[sorted.count - 1],
                        Summary.quantile(sorted: sorted, 0.75), Summary.quantile(sorted: sorted, 0.5),
                    ]
                    return (["\(index + 1)"] + values.map { GnuplotText.number($0) }).joined(separator: " ")
                })
        ]
        var boxes: [String] = []
        var dots: [String] = []
        var titles: [String] = []
        for (index, group) in groups.enumerated() {
            let x = index + 1
            let name = "\(group.service)/\(group.driver)"
            let color = PlotPalette.color(forDriver: group.driver)
            blocks.append(
                .init(
                    name: "trials_\(x)",
                    lines: group.seconds.enumerated().map { trial, value in
                        "\(GnuplotText.number(Double(x) + TrendChart.jitter(trial, width: 0.3))) "
                            + GnuplotText.number(value * scale.factor)
                    }))
            boxes.append(
                "$boxes every ::\(index)::\(index) using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lw 1.5 "
                    + "lc rgb '\(color)' fs transparent solid 0.25 title \(GnuplotText.quoted(name))")
            boxes.append(
                "$boxes every ::\(index)::\(index) using 1:6:6:6:6 with candlesticks lw 3 lc rgb '\(color)' notitle")
            dots.append("$trials_\(x) using 1:2 with points pt 7 ps 0.7 lc rgb '#444444' notitle")
            titles.append(name)
        }
        let tics = groups.enumerated().map { index, group in
            "\(GnuplotText.quoted("\(group.service)/\(group.driver)")) \(index + 1)"
        }
        let commands = [
            "set title \(GnuplotText.quoted(title))",
            "set ylabel \(GnuplotText.quoted(metric.axisLabel))",
            "set xlabel 'service/driver (box: quartiles and median, whiskers: min to max, dots: trials)'",
            "set boxwidth 0.5",
            "set grid ytics",
            "set key outside right top box",
            "set xrange [0.4:\(groups.count).6]",
            "set yrange [0:*]",
            "set xtics (\(tics.joined(separator: ", ")))",
            "plot " + (boxes + dots).joined(separator: ", \\\n     "),
        ]
        return GnuplotChart(
            kind: .startupDistribution, title: title, width: max(700, 180 * groups.count + 300), height: 500,
            dataBlocks: blocks, commands: commands, seriesTitles: titles)
    }
}
