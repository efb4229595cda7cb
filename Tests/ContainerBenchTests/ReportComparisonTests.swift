import ContainerBench
import Foundation
import Testing

@Suite("ab and compare tables")
struct ReportComparisonTests {
    @Test("ab's table shows medians, B/A, the A/B's bounds with their confidences, one-sided p and the family")
    func abTable() {
        let table = ReportFixture.abComparison.renderTable(showPairs: false)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("METRIC") && $0.contains("INTERVAL  P (ONE-SIDED)  N A/B  VERDICT") })
        #expect(!table.contains("P (BH)"))
        #expect(!table.contains("95%"))
        #expect(
            lines.contains {
                $0.hasPrefix("startup_seconds") && $0.contains("1.17×  [1.11×, 1.24×]") && $0.contains("<0.001")
                    && $0.hasSuffix("10/10  regression")
            })
        #expect(
            table.contains(
                "interval: bounds of B/A (geometric means): lower one-sided at 99.5%, upper at 99.0% (futility)\n"))
        #expect(
            table.contains(
                "family-wise: P(any false regression among 2 metrics) ≤ 0.9% (Bonferroni: one-sided t on logs at "
                    + "0.45% each)\n"))
        #expect(table.hasSuffix("verdict: regression (exit 2)\n"))
    }

    @Test("compare's table labels the run-level interval and lists the gate's notes")
    func compareTable() {
        let report = ComparisonReport(
            schema: ComparisonReport.compareSchema, baseline: .init(name: "A", source: "run a", runID: "a"),
            current: .init(name: "B", source: "run b", runID: "b"), findings: ReportFixture.regressions)
        let table = report.renderTable()
        #expect(table.contains("interval: two-sided 95% t interval of the run-level ratio (noise between runs)\n"))
        #expect(table.contains("note: analytics/uv startup_seconds: too few samples, could have seen ≥ +11%\n"))
        #expect(table.contains("screen: 15 cells compared, 12 screened: 5 suspected, 3 confirmed, 2 dropped"))
        #expect(table.contains("dropped (unchanged)"))
        #expect(!table.contains("family-wise: P("))
    }

    @Test("ab's JSON keeps the confirmation of each sampled metric and the v1 schema")
    func abJSON() throws {
        let text = try ReportFixture.abComparison.renderJSON()
        let decoded = try JSONReport.decoder().decode(ComparisonReport.self, from: Data(text.utf8))
        #expect(decoded == ReportFixture.abComparison)
        #expect(decoded.schema == "containerbench.ab/v2")
        #expect(decoded.findings.compactMap(\.confirmation).map(\.level) == [0.0045, 0.0045])
    }
}
