import ContainerBench
import Foundation
import Testing

/// Renders every chart with the real /usr/bin/gnuplot. These tests fail (not skip) when gnuplot is missing:
/// install it with `apt-get install -y gnuplot-nox`.
@Suite("Plot rendering with gnuplot", .serialized)
struct PlotRenderingTests {
    static let builders: [(String, any GnuplotChartBuilder)] = [
        ("trend", TrendChart(series: ReportFixture.trendSeries)),
        ("driver-comparison", DriverComparisonChart(record: ReportFixture.record, service: "fastapi")),
        ("startup-distribution", StartupDistributionChart(record: ReportFixture.record)),
        ("memory-timeline", MemoryTimelineChart(trial: ReportFixture.record.trials[0])),
        ("image-layers", ImageLayersChart(record: ReportFixture.record, service: "fastapi")),
    ]

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "containerbench-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Width and height from a PNG's IHDR chunk, nil when `data` is not a PNG.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8)
        else { return nil }
        func int(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    @Test("renders a PNG of the chart's size and an SVG with every series title", arguments: 0..<5)
    func renders(index: Int) async throws {
        let (name, builder) = Self.builders[index]
        let chart = try builder.makeChart()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rendered = try await GnuplotRenderer().render(chart, in: directory, baseName: name)

        let script = try String(contentsOf: rendered.script, encoding: .utf8)
        #expect(rendered.script.lastPathComponent == "\(name).gp")
        #expect(script.contains("<< EOD"), "data must be inline")

        let png = try Data(contentsOf: try #require(rendered.images[.png]))
        let size = try #require(Self.pngSize(png), "not a PNG")
        #expect(size.width == chart.width)
        #expect(size.height == chart.height)
        #expect(png.count > 5_000, "a real chart, not an empty canvas")

        let svg = try Data(contentsOf: try #require(rendered.images[.svg]))
        let tally = XMLTally()
        #expect(tally.parse(svg), "SVG does not parse: \(String(describing: tally.parseError))")
        #expect(tally.counts["svg", default: 0] >= 1)
        #expect(!chart.seriesTitles.isEmpty)
        for title in chart.seriesTitles {
            #expect(tally.text.contains(title), "series '\(title)' missing from the \(name) SVG")
        }
        #expect(tally.text.contains(chart.title) || name == "driver-comparison" || name == "image-layers")
    }

    @Test("titles with quotes, newlines and gnuplot markup are drawn literally")
    func escapesTitles() async throws {
        var series = ReportFixture.trendSeries
        series.service = "it's \"web\"_{1}^2 $x"
        series.driver = "u\nv"
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rendered = try await GnuplotRenderer(formats: [.svg]).render(
            TrendChart(series: series), in: directory, baseName: "odd/../name")
        #expect(rendered.script.lastPathComponent == "odd-..-name.gp")
        let tally = XMLTally()
        #expect(tally.parse(try Data(contentsOf: try #require(rendered.images[.svg]))))
        #expect(tally.text.contains("it's \"web\"_{1}^2 $x/u v median"))
    }

    @Test("the script next to the image re-renders it by itself")
    func scriptIsSelfContained() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rendered = try await GnuplotRenderer(formats: [.png]).render(
            TrendChart(series: ReportFixture.trendSeries), in: directory, baseName: "trend")
        let png = try #require(rendered.images[.png])
        try FileManager.default.removeItem(at: png)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gnuplot")
        process.arguments = ["trend.gp"]
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Self.pngSize(try Data(contentsOf: png))?.width == 1000)
    }
}

/// Writes every chart and the HTML report built from them into `CONTAINERBENCH_PLOT_DEMO_DIR`, for looking at
/// them (or screenshotting the HTML); does nothing unless the variable is set.
@Suite("Plot demo output")
struct PlotDemoTests {
    @Test(
        "renders the fixture's charts and HTML report into a directory",
        .enabled(if: ProcessInfo.processInfo.environment["CONTAINERBENCH_PLOT_DEMO_DIR"] != nil))
    func demo() async throws {
        let directory = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["CONTAINERBENCH_PLOT_DEMO_DIR"] ?? "/tmp")
        var plots: [ReportPlot] = []
        for (name, builder) in PlotRenderingTests.builders {
            let rendered = try await GnuplotRenderer().render(
                builder, in: directory.appendingPathComponent("plots"), baseName: name)
            plots.append(try ReportPlot(rendered: rendered, reportDirectory: directory))
        }
        var input = ReportFixture.input
        input.plots = plots
        for format in ReportFormat.allCases {
            let text = try ReportRenderer.render(input, as: format)
            try Data(text.utf8).write(to: directory.appendingPathComponent("report.\(format.fileExtension)"))
        }
        #expect(plots.allSatisfy { $0.image != nil })
        #expect(plots.first?.link == "plots/trend.png")
    }
}
