import ContainerBenchPlot
import ContainerBenchSupport
import Foundation

/// The run's summary for a terminal: the verdict, a table per service × driver × metric, then what failed.
public struct TerminalSummary: Sendable {
    /// What to report.
    public var input: ReportInput

    /// A terminal summary of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// The plain text.
    public func render() -> String {
        let digest = ReportDigest(input)
        let evaluation = input.evaluation
        let verdict = digest.verdict
        var out = [
            "containerbench run \(input.record.id): \(verdict.headline) - \(verdict.description) "
                + "(exit \(verdict.rawValue))",
            "",
        ]
        let table = TextTable(
            headers: ["SERVICE", "DRIVER", "METRIC", "N", "MEDIAN", "P95", "MAD", "BUDGET"],
            alignments: [.left, .left, .left, .right, .right, .right, .right, .left],
            rows: digest.metrics.map { row in
                let budgets = evaluation.budgets.filter {
                    $0.service == row.service && $0.driver == row.driver && $0.metric == row.metric
                        && (row.scenario == nil || row.scenario == .cold)
                }
                let judged = budgets.map { "\($0.outcome.rawValue) < \(ReportText.value($0.limit, $0.metric))" }
                let metric = row.metric.rawValue + (row.scenario.map { " (\($0.rawValue))" } ?? "")
                return [
                    row.service, row.driver, metric, "\(row.summary.n)",
                    ReportText.value(row.summary.median, row.metric),
                    ReportText.value(row.summary.p95, row.metric), ReportText.value(row.summary.mad, row.metric),
                    judged.joined(separator: ", "),
                ]
            })
        out.append(table.render())
        let missing = evaluation.budgets.filter { $0.outcome == .missing }
        for budget in missing {
            out.append("missing: budget \(budget.budgetID) for \(budget.service)/\(budget.driver) has no samples")
        }
        for ratio in evaluation.ratios {
            out.append(
                "\(ratio.outcome.rawValue): ratio \(ratio.budgetID) \(ratio.service) \(ratio.metric.rawValue) "
                    + "\(ratio.numerator)/\(ratio.denominator) = \(ReportText.ratio(ratio.ratio)) "
                    + "(limit \(ReportText.ratio(ratio.limit)))")
        }
        for finding in evaluation.regressions where finding.change == .regression || finding.change == .improvement {
            out.append(
                "\(finding.change.rawValue)\(finding.acknowledged ? " (acknowledged)" : ""): "
                    + "\(finding.service)/\(finding.driver) \(finding.metric.rawValue) "
                    + "\(ReportText.value(finding.baselineMedian, finding.metric)) -> "
                    + "\(ReportText.value(finding.currentMedian, finding.metric)) "
                    + "(\(ReportText.ratio(finding.ratio)), adjusted p=\(ReportText.pValue(finding.adjustedPValue)))")
        }
        for finding in evaluation.policy where finding.outcome != .pass {
            out.append(
                "\(finding.displayOutcome): policy \(finding.check) \(finding.service)/\(finding.driver): "
                    + finding.detail)
        }
        for failure in digest.failures {
            out.append("failed: \(failure.subject): \(failure.detail.singleLine)")
        }
        for warning in input.record.warnings { out.append("warning: \(warning)") }
        return out.joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
    }
}
