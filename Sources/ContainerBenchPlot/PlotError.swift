import ContainerBenchStatistics
import Foundation

/// Why a plot could not be drawn or rendered.
public struct PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that branch on it.
    public enum Code: Sendable, Equatable {
        /// A chart was asked to draw a series with no points.
        case emptySeries
        /// A chart's input is inconsistent (a change point outside the series, a negative size).
        case invalidInput
        /// The gnuplot executable is not where the renderer looks.
        case gnuplotNotFound
        /// gnuplot ran but exited with an error or wrote no image.
        case gnuplotFailed
        /// The script or image could not be written or read.
        case io
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, with which input, and what to do about it.
    public var message: String

    /// A plot error with a message a user can act on.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A chart was asked to draw `series` of `chart` without any points.
    public static func emptySeries(chart: String, series: String) -> PlotError {
        PlotError(
            .emptySeries,
            "cannot draw the \(chart) chart: the series '\(series)' has no points "
                + "(no successful trial or build measured it); fix the run or leave this chart out"
        )
    }

    public var description: String { message }
}
