import Foundation

/// A chart gnuplot rendered: its images and the script that made them, side by side.
public struct RenderedPlot: Sendable, Equatable {
    /// Which chart.
    public var kind: PlotKind
    /// The chart's title.
    public var title: String
    /// The `.gp` script; re-running it in its directory re-renders the images.
    public var script: URL
    /// The images, by format.
    public var images: [PlotFormat: URL]
    /// The legend titles the chart drew.
    public var seriesTitles: [String]

    /// A rendered plot; see the properties.
    public init(kind: PlotKind, title: String, script: URL, images: [PlotFormat: URL], seriesTitles: [String]) {
        self.kind = kind
        self.title = title
        self.script = script
        self.images = images
        self.seriesTitles = seriesTitles
    }
}
