import Foundation

/// A metric over runs for one service × driver: medians as a line, trials as dots, the budget dashed, the
/// baseline's noise band filled and change points as vertical lines.
public struct TrendChart: GnuplotChartBuilder {
    /// The series to draw.
    public var series: TrendSeries

    /// A trend chart of `series`.
    public init(series: TrendSeries) {
        self.series = series
    }

    /// The chart.
    /// - Throws: `PlotError.emptySeries` without points; `.invalidInput` for a change point outside the series.
    public func makeChart() throws -> GnuplotChart {
        let name = "\(series.service)/\(series.driver)"
        guard !series.points.isEmpty else {
            throw PlotError.emptySeries(chart: "trend", series: "\(name) \(series.metric.rawValue)")
        }
        let count = series.points.count
        for index in series.changePoints where index < 1 || index >= count {
            throw PlotError(
                .invalidInput,
                "change point \(index) of \(name) \(series.metric.rawValue) is outside 1..<\(count): "
                    + "a change point is the index of the first run after the change"
            )
        }
        let scale = series.metric.plotScale
        let color = PlotPalette.color(forDriver: series.driver)
        let title = "\(series.metric.rawValue) of \(name) over \(count) run\(count == 1 ? "" : "s")"
        let low = 0.5
        let high = Double(count) + 0.5

        var blocks = [
            GnuplotChart.DataBlock(
                name: "median",
                lines: series.points.enumerated().map { index, point in
                    "\(index + 1) \(GnuplotText.number(point.median * scale.factor)) "
                        + GnuplotText.dataLabel(point.runID)
                }
            )
        ]
        var plots: [String] = []
        var titles: [String] = []
        if let band = series.noiseBand {
            let bandLow = GnuplotText.number(band.lowerBound * scale.factor)
            let bandHigh = GnuplotText.number(band.upperBound * scale.factor)
            blocks.append(
                .init(name: "band", lines: ["\(low) \(bandLow) \(bandHigh)", "\(high) \(bandLow) \(bandHigh)"]))
            plots.append(
                "$band using 1:2:3 with filledcurves fc rgb '#9ecae1' fs transparent solid 0.4 noborder "
                    + "title 'baseline noise band'")
            titles.append("baseline noise band")
        }
        let samples = series.points.enumerated().flatMap { index, point in
            point.samples.enumerated().map { sampleIndex, value in
                "\(GnuplotText.number(Double(index + 1) + Self.jitter(sampleIndex, width: 0.3))) "
                    + GnuplotText.number(value * scale.factor)
            }
        }
        if !samples.isEmpty {
            blocks.append(.init(name: "samples", lines: samples))
            plots.append("$samples using 1:2 with points pt 7 ps 0.5 lc rgb '#8c8c8c' title 'trials'")
            titles.append("trials")
        }
        plots.append(
            "$median using 1:2 with linespoints pt 7 ps 1 lw 2 lc rgb '\(color)' "
                + "title \(GnuplotText.quoted("\(name) median"))")
        titles.append("\(name) median")
        if let budget = series.budget {
            let value = GnuplotText.number(budget * scale.factor)
            blocks.append(.init(name: "budget", lines: ["\(low) \(value)", "\(high) \(value)"]))
            let label = "budget \(series.metric.unit.format(budget))"
            plots.append(
                "$budget using 1:2 with lines dt 2 lw 2 lc rgb '\(PlotPalette.limit)' title \(GnuplotText.quoted(label))"
            )
            titles.append(label)
        }
        var commands = [
            "set title \(GnuplotText.quoted(title))",
            "set xlabel 'run (oldest to newest, start date UTC)'",
            "set ylabel \(GnuplotText.quoted(series.metric.axisLabel))",
            "set key outside right top box",
            "set grid ytics",
            "set xrange [\(low):\(high)]",
            "set yrange [0:*]",
            "set xtics rotate by -45 (\(Self.dateTics(series.points)))",
        ]
        for (number, index) in series.changePoints.enumerated() {
            let x = Double(index) + 0.5
            commands.append(
                "set arrow \(number + 1) from \(x), graph 0 to \(x), graph 1 nohead dt 3 lw 2 "
                    + "lc rgb '\(PlotPalette.marker)'")
        }
        if !series.changePoints.isEmpty {
            plots.append("keyentry with lines dt 3 lw 2 lc rgb '\(PlotPalette.marker)' title 'change point'")
            titles.append("change point")
        }
        commands.append("plot " + plots.joined(separator: ", \\\n     "))
        return GnuplotChart(
            kind: .trend, title: title, width: 1000, height: 500, dataBlocks: blocks, commands: commands,
            seriesTitles: titles)
    }

    /// Labels for at most 12 runs, evenly spread, as `'MM-dd' x` pairs.
    static func dateTics(_ points: [TrendSeries.Point]) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM-dd HH:mm"
        let step = max(1, Int((Double(points.count) / 12).rounded(.up)))
        return stride(from: 0, to: points.count, by: step).map {
            "\(GnuplotText.quoted(formatter.string(from: points[$0].date))) \($0 + 1)"
        }.joined(separator: ", ")
    }

    /// A deterministic horizontal offset in `-width/2 ... width/2` for the `index`th dot of a group, so dots
    /// of equal values do not hide each other and the image is the same on every render.
    static func jitter(_ index: Int, width: Double) -> Double {
        let golden = 0.618_033_988_749_895
        let fraction = (Double(index) * golden).truncatingRemainder(dividingBy: 1)
        return (fraction - 0.5) * width
    }
}
