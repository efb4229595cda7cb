import ContainerBenchSupport
import Foundation

/// Renders charts with the gnuplot executable: writes `<name>.gp` next to the images and runs it there.
public struct GnuplotRenderer: Sendable {
    /// The gnuplot executable.
    public var executable: String
    /// The formats every chart is rendered to.
    public var formats: [PlotFormat]

    /// A renderer using `executable` (Debian's gnuplot-nox by default) for `formats`.
    public init(executable: String = "/usr/bin/gnuplot", formats: [PlotFormat] = [.png, .svg]) {
        self.executable = executable
        self.formats = formats
    }

    /// Builds the chart of `builder` and renders it into `directory` as `<baseName>.gp`, `<baseName>.png`, ...
    /// - Parameters:
    ///   - builder: The chart to draw.
    ///   - directory: Where the script and images go; created when missing.
    ///   - baseName: File name without extension; characters other than letters, digits, `-`, `_` and `.`
    ///     become `-`.
    /// - Returns: Where the script and images are.
    /// - Throws: `PlotError`: `.emptySeries`/`.invalidInput` from the builder, `.gnuplotNotFound` when the
    ///   executable is missing, `.gnuplotFailed` when gnuplot exits non-zero or writes an empty image, `.io`.
    public func render(_ builder: some GnuplotChartBuilder, in directory: URL, baseName: String) async throws
        -> RenderedPlot
    {
        try await render(builder.makeChart(), in: directory, baseName: baseName)
    }

    /// Renders an already built `chart`; see `render(_:in:baseName:)`.
    public func render(_ chart: GnuplotChart, in directory: URL, baseName: String) async throws -> RenderedPlot {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PlotError(
                .gnuplotNotFound,
                "gnuplot is not at \(executable); install it with `apt-get install -y gnuplot-nox` "
                    + "or pass the path of a gnuplot executable"
            )
        }
        let name = Self.safeFileName(baseName)
        let outputs = formats.map { (format: $0, fileName: "\(name).\($0.fileExtension)") }
        let scriptURL = directory.appendingPathComponent("\(name).gp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for output in outputs {
                let url = directory.appendingPathComponent(output.fileName)
                if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            }
            try Data(chart.script(outputs: outputs).utf8).write(to: scriptURL, options: .atomic)
        } catch {
            throw PlotError(.io, "cannot write the gnuplot script \(scriptURL.path): \(error)")
        }

        // A chart renders in well under a second; two minutes means gnuplot hangs.
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                executable, [scriptURL.lastPathComponent], workingDirectory: directory.path, outputLimit: 1 << 20,
                timeout: 120)
        } catch {
            throw PlotError(.gnuplotFailed, "gnuplot on \(scriptURL.path): \(error)")
        }
        let stderr = result.error.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.succeeded else {
            throw PlotError(
                .gnuplotFailed,
                "gnuplot failed (exit \(result.exitCode)) on \(scriptURL.path): \(stderr); "
                    + "run `gnuplot \(scriptURL.lastPathComponent)` in \(directory.path) to reproduce"
            )
        }
        var images: [PlotFormat: URL] = [:]
        for output in outputs {
            let url = directory.appendingPathComponent(output.fileName)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size > 0 else {
                throw PlotError(
                    .gnuplotFailed,
                    "gnuplot exited cleanly but wrote no \(output.format.rawValue) image at \(url.path)"
                        + (stderr.isEmpty ? "" : ": \(stderr)")
                )
            }
            images[output.format] = url
        }
        return RenderedPlot(
            kind: chart.kind, title: chart.title, script: scriptURL, images: images, seriesTitles: chart.seriesTitles)
    }

    /// `name` with anything but letters, digits, `-`, `_` and `.` replaced, so it is one plain file name.
    static func safeFileName(_ name: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let mapped = String(
            String.UnicodeScalarView(name.unicodeScalars.map { allowed.contains($0) && $0.isASCII ? $0 : "-" }))
        let trimmed = mapped.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? "plot" : trimmed
    }
}
