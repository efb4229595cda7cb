import ContainerBench
import Foundation
import Testing

@Suite("Plot input errors")
struct PlotErrorTests {
    static func code(_ body: () throws -> GnuplotChart) -> PlotError.Code? {
        do {
            _ = try body()
            return nil
        } catch let error as PlotError {
            #expect(!error.description.isEmpty)
            return error.code
        } catch {
            return nil
        }
    }

    @Test("every chart refuses an empty series with .emptySeries")
    func emptySeries() {
        var trend = ReportFixture.trendSeries
        trend.points = []
        #expect(Self.code { try TrendChart(series: trend).makeChart() } == .emptySeries)
        #expect(
            Self.code {
                try DriverComparisonChart(
                    service: "x", drivers: ["uv", "pip"], buildSeconds: [:], imageBytes: [:],
                    startupMedianSeconds: [:], memoryPeakBytes: [:]
                ).makeChart()
            } == .emptySeries)
        #expect(
            Self.code { try DriverComparisonChart(record: ReportFixture.record, service: "nope").makeChart() }
                == .emptySeries)
        #expect(
            Self.code {
                try StartupDistributionChart(groups: [.init(service: "fastapi", driver: "uv", seconds: [])]).makeChart()
            } == .emptySeries)
        #expect(Self.code { try StartupDistributionChart(groups: []).makeChart() } == .emptySeries)
        #expect(
            Self.code { try MemoryTimelineChart(subject: "fastapi/uv trial 1", samples: [], markers: []).makeChart() }
                == .emptySeries)
        #expect(Self.code { try ImageLayersChart(service: "fastapi", images: []).makeChart() } == .emptySeries)
        let noLayers = ImageRecord(service: "fastapi", driver: "uv", imageID: "sha256:1", bytes: 10, layers: [])
        #expect(Self.code { try ImageLayersChart(service: "fastapi", images: [noLayers]).makeChart() } == .emptySeries)
    }

    @Test("the empty-series message names the chart and the series")
    func message() throws {
        let error = #expect(throws: PlotError.self) {
            try MemoryTimelineChart(subject: "fastapi/uv trial 3", samples: [], markers: []).makeChart()
        }
        #expect(error?.description.contains("memory timeline") == true)
        #expect(error?.description.contains("fastapi/uv trial 3") == true)
    }

    @Test("a change point outside the series is refused")
    func changePointOutside() {
        var trend = ReportFixture.trendSeries
        trend.changePoints = [6]
        #expect(Self.code { try TrendChart(series: trend).makeChart() } == .invalidInput)
        trend.changePoints = [0]
        #expect(Self.code { try TrendChart(series: trend).makeChart() } == .invalidInput)
    }

    @Test("a missing gnuplot executable is a clear error")
    func missingGnuplot() async throws {
        let renderer = GnuplotRenderer(executable: "/nonexistent/gnuplot")
        do {
            _ = try await renderer.render(
                TrendChart(series: ReportFixture.trendSeries), in: FileManager.default.temporaryDirectory,
                baseName: "never")
            Issue.record("rendering without gnuplot must throw")
        } catch let error as PlotError {
            #expect(error.code == .gnuplotNotFound)
            #expect(error.description.contains("apt-get install -y gnuplot-nox"))
        }
    }

    @Test("layer instructions are shortened to what the Dockerfile said")
    func layerChartLabels() throws {
        let chart = try ImageLayersChart(record: ReportFixture.record, service: "fastapi").makeChart()
        let data = chart.dataBlocks.flatMap(\.lines).joined(separator: "\n")
        #expect(data.contains("\"5 RUN uv sync --locked --no-install-project --no-dev\" 158"))
        #expect(data.contains("\"5 RUN pip install --no-cache-dir -r requirements.txt\" 301"))
        #expect(!data.contains("ENV SSL_CERT_FILE"), "zero-byte layers are not drawn")
    }
}
