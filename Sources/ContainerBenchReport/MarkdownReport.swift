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
            out.append(
                "| | Budget | Service/driver | Statistic | Observed | Limit | Decided by | Confidence | Bound "
                    + "| Exceedances | Trials needed | Margin | n |")
            out.append("|---|---|---|---|---:|---:|---|---:|---|---:|---:|---:|---:|")
            for budget in evaluation.budgets {
                let cells = [
                    "\(budget.outcome.icon) \(budget.outcome.rawValue)", budget.budgetID,
                    "\(budget.service)/\(budget.driver)", ReportText.statistic(budget.statistic, budget.metric),
                    ReportText.value(budget.observed, budget.metric), ReportText.value(budget.limit, budget.metric),
                    budget.decidedByText, budget.confidenceText, budget.boundText, budget.exceedancesText,
                    budget.trialsNeededText, ReportText.margin(budget.margin), "\(budget.n)",
                ]
                out.append(row(cells))
            }
            out.append("")
            out += details(
                "How each budget was decided",
                evaluation.budgets.map {
                    "**\($0.budgetID)** \($0.service)/\($0.driver) (\($0.outcome.rawValue)): \($0.explanationText)"
                })
        }

        if !evaluation.ratios.isEmpty {
            out.append("")
            out.append("### Ratio budgets")
            out.append("")
            out.append(
                "| | Budget | Service | Ratio of | Ratio (medians) | Interval | Limit | Decided by | Confidence "
                    + "| Builds a side | Builds needed |")
            out.append("|---|---|---|---|---:|---|---:|---|---:|---:|---:|")
            for ratio in evaluation.ratios {
                out.append(
                    row([
                        "\(ratio.outcome.icon) \(ratio.outcome.rawValue)", ratio.budgetID, ratio.service,
                        "\(ratio.metric.rawValue) \(ratio.numerator)/\(ratio.denominator)",
                        ReportText.ratio(ratio.ratio), ratio.intervalText, ReportText.ratio(ratio.limit),
                        ratio.decidedByText, ratio.confidenceText, ratio.buildsText, ratio.buildsNeededText,
                    ]))
            }
            out.append("")
            out += details(
                "How each ratio was decided",
                evaluation.ratios.map {
                    "**\($0.budgetID)** \($0.service) (\($0.outcome.rawValue)): \($0.explanationText)"
                })
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
        let tally = RegressionTally(evaluation.regressions)
        let regressions =
            evaluation.baselineDescription == nil ? "no baseline" : "\(tally.alerts) (\(tally.sentence))"
        return "**Budgets:** \(counts(evaluation.budgets.map(\.outcome))). "
            + "**Ratios:** \(counts(evaluation.ratios.map(\.outcome))). "
            + "**Policy:** \(counts(evaluation.policy.map { $0.outcome == .fail && !$0.failsRun ? .inconclusive : $0.outcome }, warn: true)). "
            + "**Regressions:** \(regressions)."
    }

    private func regressionSection(_ evaluation: Evaluation) -> [String] {
        guard let baseline = evaluation.baselineDescription else {
            return ["### Regressions", "", "No baseline was given or found: regressions were not checked."]
        }
        var out = ["### Regressions against \(ReportText.markdownCell(baseline))", ""]
        let findings = evaluation.regressions
        out.append(RegressionTally(findings).sentence + ".")
        // Quiet cells are counted, not listed; a suspicion the A/B dropped is listed with the A/B's estimate.
        let shown = findings.filter { $0.change != .unchanged || $0.wasDropped }
        let quiet = findings.filter { $0.change == .unchanged && !$0.wasDropped }
        if shown.isEmpty {
            out.append("")
            out.append("All \(findings.count) comparisons unchanged\(Self.detectableRange(quiet)).")
            return out
        }
        out.append("")
        out.append(
            "| | Service/driver | Metric | Baseline | Current | Ratio | Method | Screen: 95% interval "
                + "| p (one-sided) | Same-sitting A/B | Could have seen | Note |")
        out.append("|---|---|---|---:|---:|---:|---|---|---:|---|---:|---|")
        for finding in shown {
            var change = finding.wasDropped ? "dropped (unchanged)" : finding.change.rawValue
            if finding.acknowledged { change += " (acknowledged)" }
            let icon: String
            switch finding.change {
            case .regression: icon = finding.acknowledged ? "☑️" : "❌"
            case .improvement: icon = "🟢"
            case .inconclusive: icon = "⚠️"
            case .unchanged: icon = "➖"
            }
            out.append(
                row([
                    "\(icon) \(change)", "\(finding.service)/\(finding.driver)", finding.metric.rawValue,
                    "\(ReportText.value(finding.baselineMedian, finding.metric)) (n=\(finding.baselineN))",
                    "\(ReportText.value(finding.currentMedian, finding.metric)) (n=\(finding.currentN))",
                    ReportText.ratio(finding.ratio), finding.methodText, finding.screenIntervalText, finding.pText,
                    finding.abCellText, finding.detectableText, finding.tableNoteText,
                ]))
        }
        out.append("")
        if !quiet.isEmpty {
            out.append(
                "\(quiet.count) more comparison\(quiet.count == 1 ? "" : "s") unchanged\(Self.detectableRange(quiet)).")
            out.append("")
        }
        out.append(
            "Screen: the run's mean log against the baseline runs', noise taken between runs; its interval is a "
                + "two-sided 95% t interval of the run-level ratio and p (one-sided) is its p that the run is not "
                + "worse (not better, for improvements). Same-sitting A/B: B ÷ A of the baseline's image (A) and this "
                + "one (B) measured interleaved; its lower bound is one-sided at one minus the test's level, its upper "
                + "bound at the futility confidence.")
        out.append("")
        out += details(
            "How each comparison was decided",
            findings.map {
                "**\($0.service)/\($0.driver) \($0.metric.rawValue)** (\($0.change.rawValue)): \($0.detailText)"
            })
        if out.last == "" { out.removeLast() }
        return out
    }

    /// " (each could have seen ≥ +2.6% to ≥ +8.6%)": the range of the quiet cells' minimum detectable changes.
    static func detectableRange(_ findings: [RegressionFinding]) -> String {
        let changes = findings.compactMap(\.minimumDetectableChange).filter(\.isFinite)
        guard let low = changes.min(), let high = changes.max() else { return "" }
        if ReportText.change(low) == ReportText.change(high) {
            return " (each could have seen ≥ \(ReportText.change(low)))"
        }
        return " (each could have seen ≥ \(ReportText.change(low)) to ≥ \(ReportText.change(high)))"
    }

    /// A collapsed list: `<details>` with a summary, then one item per line.
    private func details(_ summary: String, _ items: [String]) -> [String] {
        guard !items.isEmpty else { return [] }
        return ["<details><summary>\(summary)</summary>", ""] + items.map { "- " + ReportText.markdownCell($0) }
            + ["", "</details>"]
    }

    private func row(_ cells: [String]) -> String {
        "| " + cells.map(ReportText.markdownCell).joined(separator: " | ") + " |"
    }
}
