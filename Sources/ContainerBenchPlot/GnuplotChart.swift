import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// One chart as gnuplot understands it: inline data blocks and terminal-independent commands.
///
/// Builders (`TrendChart`, `DriverComparisonChart`, ...) make these; `GnuplotRenderer` turns one into a
/// self-contained script that renders every requested format.
public struct GnuplotChart: Sendable, Equatable {
    /// A named inline data block (`$name << EOD`).
    public struct DataBlock: Sendable, Equatable {
        /// The block's name without the `$`: letters, digits and underscores.
        public var name: String
        /// The data lines, columns separated by spaces; strings already quoted.
        public var lines: [String]

        /// A data block called `name` with `lines`.
        public init(name: String, lines: [String]) {
            self.name = name
            self.lines = lines
        }
    }

    /// Which chart this is.
    public var kind: PlotKind
    /// The chart's title, as shown on the image.
    public var title: String
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// The data the commands plot.
    public var dataBlocks: [DataBlock]
    /// `set ...` and `plot ...` commands, run once per output format.
    public var commands: [String]
    /// The titles of the plotted series, as they appear in the legend (tests look for them in the SVG).
    public var seriesTitles: [String]

    /// A chart; see the properties.
    public init(
        kind: PlotKind, title: String, width: Int, height: Int, dataBlocks: [DataBlock], commands: [String],
        seriesTitles: [String]
    ) {
        self.kind = kind
        self.title = title
        self.width = width
        self.height = height
        self.dataBlocks = dataBlocks
        self.commands = commands
        self.seriesTitles = seriesTitles
    }

    /// The whole gnuplot script: data once, then the commands once per output, each output a file name
    /// relative to the script's directory (gnuplot runs there, so the script can be re-run by hand).
    public func script(outputs: [(format: PlotFormat, fileName: String)]) -> String {
        var lines = [
            "# containerbench \(ContainerBenchVersion.current): \(title.singleLine)",
            "# Re-render in this directory with: gnuplot < this-file.gp",
            "set encoding utf8",
        ]
        for block in dataBlocks {
            lines.append("$\(block.name) << EOD")
            lines.append(contentsOf: block.lines)
            lines.append("EOD")
        }
        for output in outputs {
            lines.append("")
            lines.append("# \(output.format.rawValue)")
            lines.append("reset")
            lines.append(output.format.terminal(width: width, height: height))
            lines.append("set output \(GnuplotText.quoted(output.fileName))")
            lines.append(contentsOf: commands)
            lines.append("unset output")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
