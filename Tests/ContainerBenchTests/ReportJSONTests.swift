import ContainerBench
import Foundation
import Testing

@Suite("JSON report")
struct ReportJSONTests {
    @Test("decodes with the v1 schema string, the verdict and the exit code")
    func decodes() throws {
        let text = try JSONReport(ReportFixture.input).render()
        let document = try JSONReport.decoder().decode(JSONReport.Document.self, from: Data(text.utf8))
        #expect(document.schema == "containerbench.report/v2")
        #expect(document.verdict.status == "budget breached")
        #expect(document.verdict.exitCode == 1)
        #expect(document.run.id == ReportFixture.runID)
        #expect(document.run.startedAt == ReportFixture.start)
        #expect(document.budgets.count == 9)
        #expect(document.regressions.findings.count == 15)
        #expect(document.failures.map(\.kind) == ["build", "trial", "run"])
        let startup = document.summaries.first {
            $0.service == "fastapi" && $0.driver == "uv" && $0.metric == .startupSeconds
        }
        #expect(startup?.n == 5)
        #expect(startup?.median == 1.24)
        #expect(startup?.unit == .seconds)
        #expect(document == JSONReport(ReportFixture.input).document())
    }

    @Test("is plain JSON a consumer reads without our types")
    func plainJSON() throws {
        let text = try JSONReport(ReportFixture.input).render()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["schema"] as? String == JSONReport.schema)
        let verdict = object?["verdict"] as? [String: Any]
        #expect(verdict?["exitCode"] as? Int == 1)
        let run = object?["run"] as? [String: Any]
        #expect(run?["startedAt"] as? String == "2026-11-29T01:30:00Z")
    }

    @Test("budgets carry how they were decided; findings their screen, confirmation and note; no BH value")
    func decisions() throws {
        let text = try JSONReport(ReportFixture.input).render()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let budgets = object?["budgets"] as? [[String: Any]] ?? []
        let breach = budgets.first { $0["budgetID"] as? String == "memory-small" }
        let decision = breach?["decision"] as? [String: Any]
        #expect(decision?["method"] as? String == "observed breach")
        #expect(decision?["confidence"] as? Double == 1)
        #expect(decision?["exceedances"] as? Int == 4)
        #expect(breach?["ciLow"] == nil)
        let regressions = object?["regressions"] as? [String: Any]
        let findings = regressions?["findings"] as? [[String: Any]] ?? []
        let memory = findings.first {
            $0["driver"] as? String == "pip" && $0["metric"] as? String == "memory_peak_bytes"
        }
        let screen = memory?["screen"] as? [String: Any]
        #expect(screen?["finding"] as? String == "suspected regression")
        #expect(screen?["noise"] as? String == "between runs")
        let confirmation = memory?["confirmation"] as? [String: Any]
        #expect(confirmation?["verdict"] as? String == "confirmed")
        #expect((confirmation?["estimate"] as? [String: Any])?["numeratorCount"] as? Int == 5)
        // The A/B's bounds are written out: B is at least `lowerBound` times A, at most `upperBound`.
        let lower = try #require(confirmation?["lowerBound"] as? Double)
        let upper = try #require(confirmation?["upperBound"] as? Double)
        #expect(lower > 1 && lower < upper, "confirmed: B/A surely above 1")
        #expect(memory?["note"] as? String != nil)
        #expect(findings.allSatisfy { $0["adjustedPValue"] == nil })
    }

    @Test("a passing run reports exit code 0")
    func passing() throws {
        var input = ReportFixture.input
        input.evaluation = Evaluation(runID: ReportFixture.runID)
        let document = JSONReport(input).document()
        #expect(document.verdict.exitCode == 0)
        #expect(document.verdict.status == "pass")
    }
}
