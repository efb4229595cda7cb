import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The run as JUnit XML, so CI systems show each budget, regression gate and policy check as a test.
///
/// One `<testsuite>` per service × driver (budgets, regression gates, policy checks), one for ratio budgets,
/// and one for the run (its status and every failed build or trial). A failed check is a `<failure>`,
/// an infrastructure failure an `<error>`, a missing or inconclusive check `<skipped>` with the reason.
public struct JUnitReport: Sendable {
    /// What to report.
    public var input: ReportInput

    /// A JUnit report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    fileprivate enum Result {
        case pass(note: String?)
        case failure(message: String, body: String)
        case error(message: String, body: String)
        case skipped(String)
    }

    fileprivate struct Case {
        var name: String
        var classname: String
        var result: Result
    }

    fileprivate struct Suite {
        var name: String
        var cases: [Case]
    }

    /// The XML text.
    public func render() -> String {
        let digest = ReportDigest(input)
        let evaluation = input.evaluation
        var suites: [Suite] = []
        for pair in digest.pairs {
            let classname = "containerbench.\(pair.service).\(pair.driver)"
            var cases: [Case] = []
            for budget in evaluation.budgets where budget.service == pair.service && budget.driver == pair.driver {
                cases.append(Case(name: budgetName(budget), classname: classname, result: budgetResult(budget)))
            }
            for finding in evaluation.regressions
            where finding.service == pair.service && finding.driver == pair.driver {
                cases.append(
                    Case(
                        name: "regression gate \(finding.metric.rawValue)", classname: classname,
                        result: regressionResult(finding)))
            }
            for finding in evaluation.policy where finding.service == pair.service && finding.driver == pair.driver {
                cases.append(
                    Case(name: "policy \(finding.check)", classname: classname, result: policyResult(finding)))
            }
            if !cases.isEmpty { suites.append(Suite(name: pair.description, cases: cases)) }
        }
        if !evaluation.ratios.isEmpty {
            suites.append(
                Suite(
                    name: "ratios",
                    cases: evaluation.ratios.map {
                        Case(
                            name: "ratio budget \($0.budgetID): \($0.metric.rawValue) \($0.numerator)/\($0.denominator)"
                                + " < \(ReportText.ratio($0.limit))",
                            classname: "containerbench.\($0.service)", result: ratioResult($0))
                    }))
        }
        suites.append(runSuite(digest))

        let all = suites.flatMap(\.cases)
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        out.append(
            "<testsuites name=\"containerbench\" tests=\"\(all.count)\" failures=\"\(count(all, \.isFailure))\" "
                + "errors=\"\(count(all, \.isError))\" skipped=\"\(count(all, \.isSkipped))\" time=\"0\">")
        for suite in suites {
            out.append(
                "  <testsuite name=\"\(attr(suite.name))\" tests=\"\(suite.cases.count)\" "
                    + "failures=\"\(count(suite.cases, \.isFailure))\" errors=\"\(count(suite.cases, \.isError))\" "
                    + "skipped=\"\(count(suite.cases, \.isSkipped))\" time=\"0\" "
                    + "timestamp=\"\(ReportText.date(input.record.startedAt))\">")
            for testCase in suite.cases {
                let open =
                    "    <testcase name=\"\(attr(testCase.name))\" classname=\"\(attr(testCase.classname))\" time=\"0\""
                switch testCase.result {
                case .pass(let note):
                    if let note {
                        out.append(open + ">")
                        out.append("      <system-out>\(ReportText.xmlEscaped(note))</system-out>")
                        out.append("    </testcase>")
                    } else {
                        out.append(open + "/>")
                    }
                case .failure(let message, let body):
                    out.append(open + ">")
                    out.append(
                        "      <failure message=\"\(attr(message))\" type=\"containerbench\">"
                            + "\(ReportText.xmlEscaped(body))</failure>")
                    out.append("    </testcase>")
                case .error(let message, let body):
                    out.append(open + ">")
                    out.append(
                        "      <error message=\"\(attr(message))\" type=\"infrastructure\">"
                            + "\(ReportText.xmlEscaped(body))</error>")
                    out.append("    </testcase>")
                case .skipped(let reason):
                    out.append(open + ">")
                    out.append("      <skipped message=\"\(attr(reason))\"/>")
                    out.append("    </testcase>")
                }
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    private func runSuite(_ digest: ReportDigest) -> Suite {
        let record = input.record
        let classname = "containerbench.run"
        var cases: [Case] = []
        let status: Result
        switch record.status {
        case .completed: status = .pass(note: nil)
        case .running: status = .skipped("the run has not finished")
        case .failed, .interrupted:
            status = .error(
                message: "run \(record.id) \(record.status.rawValue)",
                body: record.errors.isEmpty ? "no error was recorded" : record.errors.joined(separator: "\n"))
        }
        cases.append(Case(name: "run \(record.id) completed", classname: classname, result: status))
        for failure in digest.failures where failure.kind != "run" {
            cases.append(
                Case(
                    name: failure.subject, classname: classname,
                    result: .error(message: failure.detail, body: ReportText.tail(failure.log ?? failure.detail))))
        }
        return Suite(name: "run", cases: cases)
    }

    private func budgetName(_ budget: BudgetVerdict) -> String {
        "budget \(budget.budgetID): \(ReportText.statistic(budget.statistic, budget.metric)) < "
            + ReportText.value(budget.limit, budget.metric)
    }

    private func budgetResult(_ budget: BudgetVerdict) -> Result {
        let subject = "\(budget.service)/\(budget.driver) \(ReportText.statistic(budget.statistic, budget.metric))"
        let observed = ReportText.value(budget.observed, budget.metric)
        let limit = ReportText.value(budget.limit, budget.metric)
        let how = "decided by \(budget.decidedByText), confidence \(budget.confidenceText)"
        let body =
            "observed \(observed), limit \(limit), margin \(ReportText.margin(budget.margin)), n=\(budget.n); \(how); "
            + "bound \(budget.boundText); exceedances \(budget.exceedancesText); trials needed "
            + "\(budget.trialsNeededText)\n\(budget.explanationText)"
        switch budget.outcome {
        case .pass:
            return .pass(note: "\(subject) \(observed) below \(limit) (\(how)): \(budget.explanationText)")
        case .fail:
            return .failure(
                message: "\(subject) \(observed) is not below the limit \(limit) (\(how)): \(budget.explanationText)",
                body: body)
        case .inconclusive:
            let needed = budget.trialsNeededText
            return .skipped(
                "inconclusive: \(subject) \(observed) against the limit \(limit) (\(how)): \(budget.explanationText)"
                    + (needed == "unknown" || needed == "n/a" ? "" : "; \(needed) trials would decide"))
        case .missing:
            return .skipped("missing: no samples of \(subject) (the build or every trial failed)")
        }
    }

    private func ratioResult(_ ratio: RatioVerdict) -> Result {
        let subject = "\(ratio.service) \(ratio.metric.rawValue) \(ratio.numerator)/\(ratio.denominator)"
        let value = ReportText.ratio(ratio.ratio)
        let limit = ReportText.ratio(ratio.limit)
        let how =
            "interval \(ratio.intervalText), decided by \(ratio.decidedByText), confidence \(ratio.confidenceText), "
            + "\(ratio.buildsText) builds a side"
        switch ratio.outcome {
        case .pass: return .pass(note: "\(subject) = \(value) below \(limit) (\(how)): \(ratio.explanationText)")
        case .fail:
            return .failure(
                message: "\(subject) = \(value) is not below the limit \(limit) (\(how)): \(ratio.explanationText)",
                body: "ratio \(value), limit \(limit); \(how); builds needed \(ratio.buildsNeededText)\n"
                    + ratio.explanationText)
        case .inconclusive:
            let needed = ratio.buildsNeededText
            return .skipped(
                "inconclusive: \(subject) = \(value) against the limit \(limit) (\(how)): \(ratio.explanationText)"
                    + (needed == "unknown" || needed == "n/a" ? "" : "; \(needed) builds a side would decide"))
        case .missing:
            return .skipped("missing: \(subject) has no samples for one of the drivers")
        }
    }

    private func regressionResult(_ finding: RegressionFinding) -> Result {
        let subject = "\(finding.service)/\(finding.driver) \(finding.metric.rawValue)"
        let figures =
            "baseline \(ReportText.value(finding.baselineMedian, finding.metric)) (n=\(finding.baselineN)), "
            + "current \(ReportText.value(finding.currentMedian, finding.metric)) (n=\(finding.currentN)), "
            + "ratio \(ReportText.ratio(finding.ratio)), p (one-sided) \(finding.pText)"
        let detail = "\(figures)\n\(finding.detailText)"
        switch finding.change {
        case .regression where finding.acknowledged:
            return .pass(note: "acknowledged regression: \(detail)")
        case .regression:
            return .failure(
                message: "\(subject) regressed \(ReportText.ratio(finding.ratio)) vs baseline (\(finding.methodText))"
                    + (finding.summaryNoteText.isEmpty ? "" : ": \(finding.summaryNoteText)"),
                body: detail)
        case .improvement, .unchanged:
            let change = finding.wasDropped ? "dropped (unchanged)" : finding.change.rawValue
            let detectable = finding.detectableText == "n/a" ? "" : ", could have seen \(finding.detectableText)"
            return .pass(note: "\(change)\(detectable): \(detail)")
        case .inconclusive:
            return .skipped("inconclusive: \(subject) (\(finding.inconclusiveText)); \(figures)")
        }
    }

    private func policyResult(_ finding: PolicyFinding) -> Result {
        switch finding.outcome {
        case .pass: return .pass(note: finding.detail)
        case .fail where !finding.failsRun: return .pass(note: "warning (policy level warn): \(finding.detail)")
        case .fail: return .failure(message: "policy \(finding.check): \(finding.detail)", body: finding.detail)
        case .inconclusive, .missing: return .skipped("\(finding.outcome.rawValue): \(finding.detail)")
        }
    }

    private func attr(_ text: String) -> String {
        ReportText.xmlEscaped(text).replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(
            of: "\r", with: "&#13;"
        ).replacingOccurrences(of: "\t", with: "&#9;")
    }

    private func count(_ cases: [Case], _ flag: KeyPath<Case, Bool>) -> Int {
        cases.filter { $0[keyPath: flag] }.count
    }
}

extension JUnitReport.Case {
    fileprivate var isFailure: Bool {
        if case .failure = result { return true }
        return false
    }
    fileprivate var isError: Bool {
        if case .error = result { return true }
        return false
    }
    fileprivate var isSkipped: Bool {
        if case .skipped = result { return true }
        return false
    }
}
