import Foundation

/// Something that builds one chart from plain values.
public protocol GnuplotChartBuilder: Sendable {
    /// The chart's script parts.
    /// - Throws: `PlotError` with code `.emptySeries` when a series it must draw has no points, `.invalidInput`
    ///   when the input contradicts itself. An empty chart is never drawn.
    func makeChart() throws -> GnuplotChart
}
