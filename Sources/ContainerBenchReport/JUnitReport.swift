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
        let ci = ReportText.interval(budget.ciLow, budget.ciHigh, budget.metric)
        switch budget.outcome {
        case .pass:
            return .pass(note: "\(subject) \(observed) within \(limit) (95% CI \(ci), n=\(budget.n))")
        case .fail:
            return .failure(
                message:
                    "\(subject) \(observed) exceeds the limit \(limit) (margin \(ReportText.margin(budget.margin)))",
                body: "observed \(observed), 95% CI \(ci), limit \(limit), n=\(budget.n)")
        case .inconclusive:
            return .skipped(
                "inconclusive: \(subject) \(observed), 95% CI \(ci) straddles the limit \(limit); run more trials")
        case .missing:
            return .skipped("missing: no samples of \(subject) (the build or every trial failed)")
        }
    }

    private func ratioResult(_ ratio: RatioVerdict) -> Result {
        let subject = "\(ratio.service) \(ratio.metric.rawValue) \(ratio.numerator)/\(ratio.denominator)"
        let value = ReportText.ratio(ratio.ratio)
        let ci = ReportText.ratioInterval(ratio.ciLow, ratio.ciHigh)
        let limit = ReportText.ratio(ratio.limit)
        switch ratio.outcome {
        case .pass: return .pass(note: "\(subject) = \(value) (95% CI \(ci)) within \(limit)")
        case .fail:
            return .failure(
                message: "\(subject) = \(value) exceeds the limit \(limit)", body: "ratio \(value), 95% CI \(ci)")
        case .inconclusive:
            return .skipped("inconclusive: \(subject) = \(value), 95% CI \(ci) straddles \(limit); run more trials")
        case .missing:
            return .skipped("missing: \(subject) has no samples for one of the drivers")
        }
    }

    private func regressionResult(_ finding: RegressionFinding) -> Result {
        let subject = "\(finding.service)/\(finding.driver) \(finding.metric.rawValue)"
        let detail =
            "baseline \(ReportText.value(finding.baselineMedian, finding.metric)) (n=\(finding.baselineN)), "
            + "current \(ReportText.value(finding.currentMedian, finding.metric)) (n=\(finding.currentN)), "
            + "ratio \(ReportText.ratio(finding.ratio)) "
            + "95% CI \(ReportText.ratioInterval(finding.ratioCILow, finding.ratioCIHigh)), "
            + "p=\(ReportText.pValue(finding.pValue)), adjusted p=\(ReportText.pValue(finding.adjustedPValue))"
        switch finding.change {
        case .regression where finding.acknowledged:
            return .pass(note: "acknowledged regression: \(detail)")
        case .regression:
            return .failure(
                message: "\(subject) regressed \(ReportText.ratio(finding.ratio)) vs baseline", body: detail)
        case .improvement, .unchanged:
            return .pass(note: "\(finding.change.rawValue): \(detail)")
        case .inconclusive:
            return .skipped("inconclusive: too few samples to test \(subject) (\(detail))")
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
