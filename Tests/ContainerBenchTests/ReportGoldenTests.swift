import ContainerBench
import Foundation
import Testing

/// Every format rendered from the fixture, compared with Fixtures/golden/report.<ext>.
/// `CONTAINERBENCH_RECORD_GOLDEN=1 swift test --filter ReportGoldenTests` rewrites the files instead.
@Suite("Report golden files")
struct ReportGoldenTests {
    static func goldenURL(_ format: ReportFormat, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/report.\(format.fileExtension)")
    }

    @Test("matches the golden file", arguments: ReportFormat.allCases)
    func golden(format: ReportFormat) throws {
        let rendered = try ReportRenderer.render(ReportFixture.input, as: format)
        let url = Self.goldenURL(format)
        if ProcessInfo.processInfo.environment["CONTAINERBENCH_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: url)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        if rendered != golden {
            let renderedLines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
            let goldenLines = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let common = min(renderedLines.count, goldenLines.count)
            let index = (0..<common).first { renderedLines[$0] != goldenLines[$0] } ?? common
            let got = index < renderedLines.count ? String(renderedLines[index]) : "<end>"
            let want = index < goldenLines.count ? String(goldenLines[index]) : "<end>"
            let message =
                "\(url.lastPathComponent) differs at line \(index + 1):\n got: \(got)\nwant: \(want)\n"
                + "re-record with CONTAINERBENCH_RECORD_GOLDEN=1 if the change is intended"
            Issue.record(Comment(rawValue: message))
        }
    }
}
