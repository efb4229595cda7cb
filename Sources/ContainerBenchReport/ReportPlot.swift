import ContainerBenchPlot
import Foundation

/// A plot a report links to (Markdown) or inlines (HTML).
public struct ReportPlot: Sendable, Equatable {
    /// The image's bytes, for inlining.
    public enum Image: Sendable, Equatable {
        /// An SVG document.
        case svg(String)
        /// A PNG file's bytes.
        case png(Data)

        /// The image as a `data:` URI, so an HTML file needs nothing next to it.
        public var dataURI: String {
            switch self {
            case .svg(let text): return "data:image/svg+xml;base64," + Data(text.utf8).base64EncodedString()
            case .png(let data): return "data:image/png;base64," + data.base64EncodedString()
            }
        }
    }

    /// Which chart; decides the report section.
    public var kind: PlotKind
    /// The chart's title.
    public var title: String
    /// Where a reader finds the image, relative to the report (Markdown links).
    public var link: String
    /// The image itself, for formats that inline it; nil to link only.
    public var image: Image?

    /// A plot; see the properties.
    public init(kind: PlotKind, title: String, link: String, image: Image? = nil) {
        self.kind = kind
        self.title = title
        self.link = link
        self.image = image
    }

    /// A plot gnuplot rendered, its image read for inlining (SVG preferred, PNG otherwise).
    /// - Parameters:
    ///   - rendered: The renderer's result.
    ///   - reportDirectory: Where the report will be written; links are made relative to it when the image
    ///     lies below it, absolute otherwise.
    /// - Throws: `ReportError` with code `.plotUnreadable` when the image cannot be read.
    public init(rendered: RenderedPlot, reportDirectory: URL?) throws {
        let url = rendered.images[.png] ?? rendered.images[.svg] ?? rendered.script
        var link = url.path
        if let directory = reportDirectory?.standardizedFileURL.path {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            let path = url.standardizedFileURL.path
            if path.hasPrefix(prefix) { link = String(path.dropFirst(prefix.count)) }
        }
        var image: Image?
        do {
            if let svg = rendered.images[.svg] {
                image = .svg(try String(contentsOf: svg, encoding: .utf8))
            } else if let png = rendered.images[.png] {
                image = .png(try Data(contentsOf: png))
            }
        } catch {
            throw ReportError(
                .plotUnreadable,
                "cannot read the plot image for '\(rendered.title)' (\(url.path)): \(error); render the plots again")
        }
        self.init(kind: rendered.kind, title: rendered.title, link: link, image: image)
    }
}
