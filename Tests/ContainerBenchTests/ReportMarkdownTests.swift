import ContainerBench
import Foundation
import Testing

@Suite("Markdown and terminal reports")
struct ReportMarkdownTests {
    @Test("the first line is the verdict with the exit status")
    func verdictLine() {
        let markdown = MarkdownReport(ReportFixture.input).render()
        let first = markdown.split(separator: "\n").first.map(String.init)
        #expect(first == "## ❌ containerbench FAIL: budget breached (exit 1)")
    }

    @Test("a log tail with a code fence inside cannot close its block, and pipes do not split cells")
    func escaping() {
        let markdown = MarkdownReport(ReportFixture.input).render()
        #expect(markdown.contains("````text\n#9 ERROR: pip install | numpy<2 & \"scipy\"\n```\n"))
        #expect(markdown.contains("<details><summary>analytics/pip build (cold): the build failed after 12.50 s"))
        #expect(markdown.contains("| ❌ fail | image-size | fastapi/pip | image_bytes | 453.6 MB | n/a | 450.0 MB |"))
        #expect(markdown.contains("- [fastapi: uv vs pip](plots/compare%20fastapi.png)"))
    }

    @Test("regressions show ratio, interval and both p-values; unchanged ones are counted")
    func regressions() {
        let markdown = MarkdownReport(ReportFixture.input).render()
        #expect(markdown.contains("### Regressions against baseline nightly-2026-11-20"))
        #expect(
            markdown.contains(
                "| ❌ regression | fastapi/pip | memory_peak_bytes | 164.0 MB (n=5) | 209.0 MB (n=4) | 1.27× "
                    + "| [1.20×, 1.35×] | &lt;0.001 | 0.002 |"))
        #expect(markdown.contains("☑️ regression (acknowledged)"))
        #expect(markdown.contains("1 more comparison unchanged."))
    }

    @Test("terminal table columns line up")
    func terminalTable() {
        let table = TextTable(
            headers: ["NAME", "N"], alignments: [.left, .right], rows: [["fastapi", "5"], ["a", "12"]]
        ).render()
        #expect(table == "NAME      N\n-------  --\nfastapi   5\na        12\n")
    }

    @Test("the terminal summary names the verdict and each failure")
    func terminalSummary() {
        let text = TerminalSummary(ReportFixture.input).render()
        #expect(text.hasPrefix("containerbench run \(ReportFixture.runID): FAIL - budget breached (exit 1)\n"))
        #expect(text.contains("failed: analytics/pip build (cold): the build failed after 12.50 s"))
        #expect(text.contains("regression: fastapi/pip memory_peak_bytes 164.0 MB -> 209.0 MB"))
    }

    @Test("format names map to formats and unknown names are refused")
    func formatNames() throws {
        #expect(try ReportFormat.named("md") == .markdown)
        #expect(try ReportFormat.named("JUnit") == .junit)
        #expect(throws: ReportError.self) { try ReportFormat.named("pdf") }
    }
}
