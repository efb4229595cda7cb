import ContainerBenchModel
import ContainerBenchPlot
import ContainerBenchSupport
import Foundation

/// The run as GitHub-flavoured Markdown: a verdict line a reviewer reads first, then the tables behind it.
public struct MarkdownReport: Sendable {
    /// What to report.
    public var input: ReportInput

    /// A Markdown report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// The Markdown text.
    public func render() -> String {
        let digest = ReportDigest(input)
        let record = input.record
        let evaluation = input.evaluation
        let verdict = digest.verdict
        var out: [String] = []
        out.append(
            "## \(verdict.icon) containerbench \(verdict.headline): \(verdict.description) (exit \(verdict.rawValue))")
        out.append("")
        let trials = record.trials.count
        let okTrials = record.trials.filter(\.succeeded).count
        var context =
            "Run `\(record.id)`\(record.label.map { " (\($0))" } ?? "") of `\(record.suite)`, "
            + "\(record.status.rawValue), started \(ReportText.date(record.startedAt)), "
            + "\(okTrials)/\(trials) trials succeeded, \(record.builds.count) builds"
        context += "; engine \(record.environment.engineVersion), cgroup v\(record.environment.cgroupVersion), "
        context += "\(record.environment.cpuCores) cores, limits \(record.environment.limits)."
        out.append(context)
        out.append("")
        out.append(outcomeLine(evaluation))

        out.append("")
        out.append("### Budgets")
        out.append("")
        if evaluation.budgets.isEmpty {
            out.append("No absolute budgets were checked.")
        } else {
            out.append("| | Budget | Service/driver | Statistic | Observed | 95% CI | Limit | Margin | n |")
            out.append("|---|---|---|---|---:|---|---:|---:|---:|")
            for budget in evaluation.budgets {
                let cells = [
                    "\(budget.outcome.icon) \(budget.outcome.rawValue)", budget.budgetID,
                    "\(budget.service)/\(budget.driver)", ReportText.statistic(budget.statistic, budget.metric),
                    ReportText.value(budget.observed, budget.metric),
                    ReportText.interval(budget.ciLow, budget.ciHigh, budget.metric),
                    ReportText.value(budget.limit, budget.metric), ReportText.margin(budget.margin), "\(budget.n)",
                ]
                out.append(row(cells))
            }
        }

        if !evaluation.ratios.isEmpty {
            out.append("")
            out.append("### Ratio budgets")
            out.append("")
            out.append("| | Budget | Service | Ratio of | Ratio | 95% CI | Limit |")
            out.append("|---|---|---|---|---:|---|---:|")
            for ratio in evaluation.ratios {
                out.append(
                    row([
                        "\(ratio.outcome.icon) \(ratio.outcome.rawValue)", ratio.budgetID, ratio.service,
                        "\(ratio.metric.rawValue) \(ratio.numerator)/\(ratio.denominator)",
                        ReportText.ratio(ratio.ratio), ReportText.ratioInterval(ratio.ciLow, ratio.ciHigh),
                        ReportText.ratio(ratio.limit),
                    ]))
            }
        }

        out.append("")
        out.append(contentsOf: regressionSection(evaluation))

        if !evaluation.policy.isEmpty {
            out.append("")
            out.append("### Policy")
            out.append("")
            out.append("| | Check | Service/driver | Detail |")
            out.append("|---|---|---|---|")
            for finding in evaluation.policy {
                out.append(
                    row([
                        "\(finding.failsRun || finding.outcome != .fail ? finding.outcome.icon : "⚠️") "
                            + finding.displayOutcome, finding.check,
                        "\(finding.service)/\(finding.driver)", finding.detail,
                    ]))
            }
        }

        if !record.warnings.isEmpty {
            out.append("")
            out.append("### Warnings")
            out.append("")
            for warning in record.warnings { out.append("- " + ReportText.markdownCell(warning)) }
        }

        if !digest.failures.isEmpty {
            out.append("")
            out.append("### Failures")
            out.append("")
            for failure in digest.failures {
                let summary = ReportText.xmlEscaped("\(failure.subject): \(failure.detail.singleLine)")
                out.append("<details><summary>\(summary)</summary>")
                out.append("")
                let body = ReportText.tail(failure.log ?? failure.detail)
                let fence = ReportText.fence(for: body)
                out.append(fence + "text")
                out.append(body)
                out.append(fence)
                out.append("")
                out.append("</details>")
                out.append("")
            }
            if out.last == "" { out.removeLast() }
        }

        if !input.plots.isEmpty {
            out.append("")
            out.append("### Plots")
            out.append("")
            for plot in input.plots {
                let title = plot.title.replacingOccurrences(of: "]", with: "\\]").replacingOccurrences(
                    of: "[", with: "\\[")
                let link = plot.link.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(
                    of: ")", with: "%29")
                out.append("- [\(title)](\(link))")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// "Budgets: 3 pass, 1 fail. Ratios: ... Regressions: ..." in one line.
    private func outcomeLine(_ evaluation: Evaluation) -> String {
        // `warn`: policy checks failed at level warn are counted as "warn" (passed as `.inconclusive` here).
        func counts(_ outcomes: [Outcome], warn: Bool = false) -> String {
            let parts = Outcome.allCases.compactMap { outcome -> String? in
                let count = outcomes.filter { $0 == outcome }.count
                return count > 0 ? "\(count) \(warn && outcome == .inconclusive ? "warn" : outcome.rawValue)" : nil
            }
            return parts.isEmpty ? "none" : parts.joined(separator: ", ")
        }
        let regressions = evaluation.regressions.filter(\.isAlert).count
        return "**Budgets:** \(counts(evaluation.budgets.map(\.outcome))). "
            + "**Ratios:** \(counts(evaluation.ratios.map(\.outcome))). "
            + "**Policy:** \(counts(evaluation.policy.map { $0.outcome == .fail && !$0.failsRun ? .inconclusive : $0.outcome }, warn: true)). "
            + "**Regressions:** \(evaluation.baselineDescription == nil ? "no baseline" : String(regressions))."
    }

    private func regressionSection(_ evaluation: Evaluation) -> [String] {
        guard let baseline = evaluation.baselineDescription else {
            return ["### Regressions", "", "No baseline was given or found: regressions were not checked."]
        }
        var out = ["### Regressions against \(ReportText.markdownCell(baseline))", ""]
        let shown = evaluation.regressions.filter { $0.change != .unchanged }
        let unchanged = evaluation.regressions.count - shown.count
        if shown.isEmpty {
            out.append("All \(evaluation.regressions.count) comparisons unchanged.")
            return out
        }
        out.append("| | Service/driver | Metric | Baseline | Current | Ratio | 95% CI | p | p (BH) |")
        out.append("|---|---|---|---:|---:|---:|---|---:|---:|")
        for finding in shown {
            var change = finding.change.rawValue
            if finding.acknowledged { change += " (acknowledged)" }
            let icon: String
            switch finding.change {
            case .regression: icon = finding.acknowledged ? "☑️" : "❌"
            case .improvement: icon = "🟢"
            case .inconclusive: icon = "⚠️"
            case .unchanged: icon = ""
            }
            out.append(
                row([
                    "\(icon) \(change)", "\(finding.service)/\(finding.driver)", finding.metric.rawValue,
                    "\(ReportText.value(finding.baselineMedian, finding.metric)) (n=\(finding.baselineN))",
                    "\(ReportText.value(finding.currentMedian, finding.metric)) (n=\(finding.currentN))",
                    ReportText.ratio(finding.ratio), ReportText.ratioInterval(finding.ratioCILow, finding.ratioCIHigh),
                    ReportText.pValue(finding.pValue), ReportText.pValue(finding.adjustedPValue),
                ]))
        }
        out.append("")
        out.append("\(unchanged) more comparison\(unchanged == 1 ? "" : "s") unchanged.")
        return out
    }

    private func row(_ cells: [String]) -> String {
        "| " + cells.map(ReportText.markdownCell).joined(separator: " | ") + " |"
    }
}
