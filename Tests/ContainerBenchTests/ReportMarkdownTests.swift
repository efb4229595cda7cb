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
        #expect(
            markdown.contains("| ❌ fail | image-size | fastapi/pip | image_bytes | 453.6 MB | 450.0 MB | exact value |")
        )
        #expect(markdown.contains("- [fastapi: uv vs pip](plots/compare%20fastapi.png)"))
    }

    @Test("budgets say the rule, the confidence reached, the bound with its coverage and the trials needed")
    func budgets() {
        let markdown = MarkdownReport(ReportFixture.input).render()
        #expect(!markdown.contains("95% CI"))
        #expect(
            markdown.contains(
                "| ✅ pass | startup | fastapi/uv | median startup_seconds | 1.24 s | 8.00 s "
                    + "| Clopper-Pearson exceedance bound | 96.8% | ≤ 1.45 s (coverage 96.8%) | 0/5 | n/a | +84.5% | 5 |"
            ))
        #expect(
            markdown.contains(
                "| ⚠️ inconclusive | startup | analytics/uv | median startup_seconds | 7.90 s | 8.00 s "
                    + "| log-normal tolerance bound | 54.9% pass | ≤ 9.03 s (coverage 95.0%) | 1/3 | 8 |"))
        #expect(
            markdown.contains(
                "| ❌ fail | memory-small | fastapi/pip | max memory_peak_bytes | 213.0 MB | 200.0 MB "
                    + "| observed breach | observed | largest 213.0 MB | 4/4 |"))
        #expect(markdown.contains("- **memory-small** fastapi/pip (fail): 4 of 4 trials at or above the limit"))
        #expect(
            markdown.contains(
                "| ⚠️ inconclusive | uv-build-faster | fastapi | build_seconds uv/pip | 0.42× | [0.38×, 0.46×] at 95.0% "
                    + "| 0.40× | t bound of the log ratio | 89.3% fail | 3 | 5 |"))
    }

    @Test("regressions show the procedure, the screen's interval, the A/B's bounds, one-sided p and what was visible")
    func regressions() {
        let markdown = MarkdownReport(ReportFixture.input).render()
        #expect(markdown.contains("### Regressions against last 10 good runs on this machine"))
        #expect(!markdown.contains("p (BH)"))
        #expect(!markdown.contains("bootstrap"))
        #expect(
            markdown.contains(
                "**Regressions:** 3 (15 cells compared, 12 screened: 5 suspected, 3 confirmed, 2 dropped; 3 exact; "
                    + "1 inconclusive (too few samples, could have seen ≥ +11%))."))
        #expect(
            markdown.contains(
                "| ❌ regression | fastapi/pip | memory_peak_bytes | 164.1 MB (n=40) | 208.0 MB (n=4) | 1.27× "
                    + "| run-level screen + same-sitting A/B | [1.23×, 1.31×] | &lt;0.001 "
                    + "| confirmed: B/A 1.27× (≥ 1.22× at 99.997%, ≤ 1.29× at 99.0%), 5 + 5 trials | n/a |  |"))
        #expect(markdown.contains("| ➖ dropped (unchanged) | fastapi/pip | startup_seconds |"))
        #expect(
            markdown.contains(
                "| run-level screen | [0.88×, 1.14×] | 0.493 | n/a | ≥ +11% | too few samples |"))
        #expect(markdown.contains("☑️ regression (acknowledged)"))
        #expect(markdown.contains("7 more comparisons unchanged (each could have seen ≥ +2.6%)."))
    }

    @Test("a finding stored before the screen says its p was two-sided and names no adjustment")
    func legacyFinding() {
        var input = ReportFixture.input
        input.evaluation.regressions = [
            RegressionFinding(
                service: "fastapi", driver: "uv", metric: .startupSeconds, baselineMedian: 1.05, currentMedian: 1.24,
                ratio: 1.181, ratioCILow: 1.08, ratioCIHigh: 1.29, pValue: 0.004, adjustedPValue: 0.012,
                change: .regression, baselineN: 5, currentN: 5)
        ]
        let markdown = MarkdownReport(input).render()
        #expect(
            markdown.contains(
                "| Mann-Whitney (older run) | n/a | 0.004 (two-sided) | n/a | n/a | stored by an older containerbench: "
                    + "Mann-Whitney p (two-sided), bootstrap interval [1.08×, 1.29×] of unknown coverage |"))
        #expect(!markdown.contains("0.012"))
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
        #expect(
            text.contains(
                "regression: fastapi/pip memory_peak_bytes 164.1 MB -> 208.0 MB (1.27×, run-level screen + "
                    + "same-sitting A/B, p (one-sided) <0.001): confirmed: B/A 1.27× (≥ 1.22× at 99.997%, ≤ 1.29× at "
                    + "99.0%), 5 + 5 trials"))
    }

    @Test("the terminal summary counts the gate's cells and says what an inconclusive cell could have seen")
    func terminalRegressions() {
        let text = TerminalSummary(ReportFixture.input).render()
        #expect(
            text.contains(
                "regressions against last 10 good runs on this machine (3 alerts): 15 cells compared, 12 screened: "
                    + "5 suspected, 3 confirmed, 2 dropped; 3 exact; 1 inconclusive (too few samples, could have seen "
                    + "≥ +11%)\n"))
        #expect(text.contains("inconclusive: analytics/uv startup_seconds (too few samples, could have seen ≥ +11%)\n"))
        #expect(
            text.contains("dropped: fastapi/pip startup_seconds 1.50 s -> 1.55 s (1.03×): not confirmed (futility):"))
        #expect(text.contains("pass < 8.00 s (96.8%)"))
        #expect(text.contains("inconclusive < 8.00 s (54.9% pass; 8 trials would decide)"))
        #expect(!text.contains("adjusted"))
    }

    @Test("format names map to formats and unknown names are refused")
    func formatNames() throws {
        #expect(try ReportFormat.named("md") == .markdown)
        #expect(try ReportFormat.named("JUnit") == .junit)
        #expect(throws: ReportError.self) { try ReportFormat.named("pdf") }
    }
}

@Suite("Report verdict phrasing")
struct ReportVerdictTextTests {
    @Test("a bound is shown with its own coverage, never as 95%")
    func boundCoverage() {
        let budget = BudgetVerdict(
            budgetID: "startup", service: "s", driver: "d", metric: .startupSeconds, statistic: .p95, limit: 1.5,
            observed: 1.3, ciHigh: 1.32, n: 5, outcome: .inconclusive,
            decision: BudgetDecision(
                outcome: .inconclusive, method: .distributionFree, level: 0.95, confidence: 0.226,
                passConfidence: 0.226, failConfidence: 0, n: 5, exceedances: 0, bound: 1.32, boundCoverage: 0.226,
                trialsNeeded: 59, explanation: "e"))
        let markdown = MarkdownReport(
            ReportInput(record: ReportFixture.record, evaluation: Evaluation(runID: "r", budgets: [budget]))
        ).render()
        #expect(markdown.contains("| ≤ 1.32 s (coverage 22.6%) | 0/5 | 59 |"))
        #expect(markdown.contains("| 22.6% pass |"))
    }

    @Test("confidences close to certainty are not rounded up to it")
    func confidence() {
        let budget = BudgetVerdict(
            budgetID: "b", service: "s", driver: "d", metric: .startupSeconds, statistic: .mean, limit: 2,
            observed: 1, n: 10, outcome: .pass,
            decision: BudgetDecision(
                outcome: .pass, method: .meanBound, level: 0.95, confidence: 0.99997, passConfidence: 0.99997,
                failConfidence: 0, n: 10, explanation: "e"))
        let text = TerminalSummary(
            ReportInput(record: ReportFixture.record, evaluation: Evaluation(runID: "r", budgets: [budget]))
        ).render()
        #expect(!text.contains("100"))
    }
}

extension ReportVerdictTextTests {
    @Test(
        "percentages of confidence are truncated, never rounded up",
        arguments: [
            (0.95, "95.0%"), (0.96875, "96.8%"), (0.9955, "99.5%"), (0.99997727, "99.997%"), (0.549117, "54.9%"),
            (0.0002, "&lt;0.1%"),
        ])
    func truncated(value: Double, text: String) {
        let budget = BudgetVerdict(
            budgetID: "b", service: "s", driver: "d", metric: .startupSeconds, statistic: .mean, limit: 2,
            observed: 1, n: 10, outcome: .pass,
            decision: BudgetDecision(
                outcome: .pass, method: .meanBound, level: 0.95, confidence: value, passConfidence: value,
                failConfidence: 0, n: 10, explanation: "e"))
        let markdown = MarkdownReport(
            ReportInput(record: ReportFixture.record, evaluation: Evaluation(runID: "r", budgets: [budget]))
        ).render()
        #expect(markdown.contains("| t bound of the mean | \(text) |"))
    }
}
