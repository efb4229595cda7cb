import ContainerBenchModel
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
                let judged = budgets.map(\.terminalText)
                let metric = row.metric.rawValue + (row.scenario.map { " (\($0.rawValue))" } ?? "")
                return [
                    row.service, row.driver, metric, "\(row.summary.n)",
                    ReportText.value(row.summary.median, row.metric),
                    ReportText.value(row.summary.p95, row.metric), ReportText.value(row.summary.mad, row.metric),
                    judged.joined(separator: ", "),
                ]
            })
        out.append(table.render())
        for budget in evaluation.budgets {
            let subject =
                "budget \(budget.budgetID) \(budget.service)/\(budget.driver) "
                + ReportText.statistic(budget.statistic, budget.metric)
            switch budget.outcome {
            case .missing: out.append("missing: \(subject) has no samples")
            case .fail, .inconclusive:
                out.append(
                    "\(budget.outcome.rawValue): \(subject) (\(budget.decidedByText)): \(budget.explanationText)")
            case .pass: break
            }
        }
        for ratio in evaluation.ratios {
            var line =
                "\(ratio.outcome.rawValue): ratio \(ratio.budgetID) \(ratio.service) \(ratio.metric.rawValue) "
                + "\(ratio.numerator)/\(ratio.denominator) = \(ReportText.ratio(ratio.ratio)) "
                + "(limit \(ReportText.ratio(ratio.limit))"
            if ratio.intervalText != "n/a" { line += "; interval \(ratio.intervalText)" }
            if let decision = ratio.decision {
                line += "; \(decision.method.rawValue), \(ratio.confidenceText), \(decision.n) builds a side"
                if ratio.buildsNeededText != "n/a" { line += ", \(ratio.buildsNeededText) would decide" }
            }
            out.append(line + ")")
        }
        out += regressionLines(evaluation)
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

    /// The gate's tally, then one line per regression, improvement, dropped suspicion and inconclusive cell.
    private func regressionLines(_ evaluation: Evaluation) -> [String] {
        guard let baseline = evaluation.baselineDescription else { return [] }
        let findings = evaluation.regressions
        let tally = RegressionTally(findings)
        var out = [
            "regressions against \(baseline) (\(tally.alerts) alert\(tally.alerts == 1 ? "" : "s")): \(tally.sentence)"
        ]
        for finding in findings {
            let subject = "\(finding.service)/\(finding.driver) \(finding.metric.rawValue)"
            let medians =
                "\(ReportText.value(finding.baselineMedian, finding.metric)) -> "
                + "\(ReportText.value(finding.currentMedian, finding.metric)) (\(ReportText.ratio(finding.ratio))"
            switch finding.change {
            case .regression, .improvement:
                var line =
                    "\(finding.change.rawValue)\(finding.acknowledged ? " (acknowledged)" : ""): \(subject) \(medians), "
                    + "\(finding.methodText)"
                if finding.pText != "n/a" { line += ", p (one-sided) \(finding.pText)" }
                line += ")"
                if !finding.summaryNoteText.isEmpty { line += ": \(finding.summaryNoteText)" }
                out.append(line)
            case .inconclusive:
                out.append("inconclusive: \(subject) (\(finding.inconclusiveText))")
            case .unchanged where finding.wasDropped:
                out.append("dropped: \(subject) \(medians)): \(finding.summaryNoteText)")
            case .unchanged:
                continue
            }
        }
        return out
    }
}
