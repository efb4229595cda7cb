import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The run as OpenMetrics 1.0 text (https://prometheus.io/docs/specs/om/open_metrics_spec/): a file for
/// node_exporter's textfile collector (`*.prom`) or the body of a Pushgateway push.
///
/// Every family is a gauge with `TYPE`, `UNIT` (when it has one, and then the name ends in `_<unit>`) and `HELP`
/// lines, in that order; samples carry no timestamps and the text ends with `# EOF`. Gauges rather than the summary
/// type: a summary's quantiles are meant to cover a recent sliding window and its `_count`/`_sum` are counters,
/// neither of which fits one finished run (and a sum of image sizes means nothing); each statistic of a run is a
/// measured value, so it is a gauge with a `statistic` label. Gauges only, without timestamps, also keep the text
/// within what the Prometheus 0.0.4 text parser accepts (it reads `# UNIT` and `# EOF` as comments), which is what
/// the textfile collector and the Pushgateway parse with; the Pushgateway refuses samples that carry timestamps.
/// HELP texts are constants, so that pushes of different runs stay consistent. Families are documented in
/// docs/report-schema.md.
public struct OpenMetricsReport: Sendable {
    /// The prefix of every family name.
    public static let prefix = "containerbench_"

    /// One metric family: its metadata and its samples, which the text keeps together.
    public struct Family: Sendable {
        /// The family name, which every sample of a gauge carries unchanged.
        public var name: String
        /// `seconds`, `bytes`, `ratio`, or nil for none.
        public var unit: String?
        /// One line for people.
        public var help: String
        /// Label pairs in order, and the value.
        public var samples: [(labels: [(String, String)], value: Double)]
    }

    /// What to report.
    public var input: ReportInput

    /// An OpenMetrics report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// The families, in the order the text lists them; families without samples are left out.
    public func families() -> [Family] {
        let record = input.record
        let evaluation = input.evaluation
        let digest = ReportDigest(input)
        var run: [(String, String)] = [("run_id", record.id)]
        if let label = record.label { run.append(("label", label)) }

        var families: [Family] = []
        families.append(
            Family(
                name: Self.prefix + "verdict", unit: nil,
                help: "containerbench's exit code for the run: 0 pass, 1 budget breached, 2 regression, "
                    + "3 inconclusive, 4 infrastructure error, 130 interrupted; the status label names it.",
                samples: [
                    (
                        [("status", digest.verdict.description), ("strict", input.strict ? "true" : "false")] + run,
                        Double(digest.verdict.rawValue)
                    )
                ]))
        families.append(
            Family(
                name: Self.prefix + "run_started_timestamp_seconds", unit: "seconds",
                help: "When the run started, in seconds since the Unix epoch.",
                samples: [(run, record.startedAt.timeIntervalSince1970)]))
        if let finished = record.finishedAt {
            families.append(
                Family(
                    name: Self.prefix + "run_finished_timestamp_seconds", unit: "seconds",
                    help: "When the run finished, in seconds since the Unix epoch.",
                    samples: [(run, finished.timeIntervalSince1970)]))
        }

        for metric in Metric.allCases {
            let rows = digest.metrics.filter { $0.metric == metric }
            guard !rows.isEmpty else { continue }
            var samples: [(labels: [(String, String)], value: Double)] = []
            for row in rows {
                var labels: [(String, String)] = [("service", row.service), ("driver", row.driver)]
                if let scenario = row.scenario { labels.append(("scenario", scenario.rawValue)) }
                for (statistic, value) in Self.statistics(of: row) {
                    samples.append((labels + [("statistic", statistic)] + run, value))
                }
            }
            families.append(
                Family(
                    name: Self.prefix + metric.rawValue, unit: Self.unitName(metric.unit),
                    help: Self.help(for: metric), samples: samples))
        }
        families.append(
            Family(
                name: Self.prefix + "samples", unit: nil,
                help: "How many samples each metric's statistics were computed from (trials, builds or images).",
                samples: digest.metrics.map { row in
                    (
                        [
                            ("service", row.service), ("driver", row.driver), ("metric", row.metric.rawValue),
                            ("scenario", row.scenario?.rawValue ?? ""),
                        ] + run, Double(row.summary.n)
                    )
                }))

        families += budgetFamilies(run: run)
        families += ratioFamilies(run: run)
        families.append(
            Family(
                name: Self.prefix + "regression_ratio", unit: "ratio",
                help: "Current median over the baseline's, per metric; the change label is the regression gate's "
                    + "finding (regression, improvement, unchanged, inconclusive).",
                samples: evaluation.regressions.map { finding in
                    var labels: [(String, String)] = [
                        ("service", finding.service), ("driver", finding.driver), ("metric", finding.metric.rawValue),
                        ("change", finding.change.rawValue), ("acknowledged", finding.acknowledged ? "true" : "false"),
                    ]
                    if let baseline = evaluation.baselineDescription { labels.append(("baseline", baseline)) }
                    return (labels + run, finding.ratio)
                }))
        families.append(
            Family(
                name: Self.prefix + "policy_pass", unit: nil,
                help: "1 when the image policy check passed, else 0; the outcome label says how it came out.",
                samples: evaluation.policy.map { finding in
                    (
                        [
                            ("service", finding.service), ("driver", finding.driver), ("check", finding.check),
                            ("outcome", finding.outcome.rawValue),
                        ] + run, finding.outcome == .pass ? 1 : 0
                    )
                }))
        return families.filter { !$0.samples.isEmpty }
    }

    /// The limit, observed value and pass state of every absolute budget.
    private func budgetFamilies(run: [(String, String)]) -> [Family] {
        let budgets = input.evaluation.budgets
        func labels(_ budget: BudgetVerdict) -> [(String, String)] {
            [
                ("budget", budget.budgetID), ("service", budget.service), ("driver", budget.driver),
                ("metric", budget.metric.rawValue), ("statistic", budget.statistic.rawValue),
            ] + run
        }
        return [
            Family(
                name: Self.prefix + "budget_limit", unit: nil,
                help: "A budget's limit, in the unit its metric label's name ends in (seconds or bytes).",
                samples: budgets.map { (labels($0), $0.limit) }),
            Family(
                name: Self.prefix + "budget_observed", unit: nil,
                help: "The statistic a budget judged, in the unit its metric label's name ends in (absent when "
                    + "nothing was measured).",
                samples: budgets.compactMap { budget in budget.observed.map { (labels(budget), $0) } }),
            Family(
                name: Self.prefix + "budget_pass", unit: nil,
                help: "1 when the budget passed, else 0; the outcome label is pass, fail, inconclusive or missing.",
                samples: budgets.map { (labels($0) + [("outcome", $0.outcome.rawValue)], $0.outcome == .pass ? 1 : 0) }
            ),
        ]
    }

    /// The limit, observed ratio and pass state of every ratio budget (uv ÷ pip).
    private func ratioFamilies(run: [(String, String)]) -> [Family] {
        let ratios = input.evaluation.ratios
        func labels(_ ratio: RatioVerdict) -> [(String, String)] {
            [
                ("budget", ratio.budgetID), ("service", ratio.service), ("metric", ratio.metric.rawValue),
                ("numerator", ratio.numerator), ("denominator", ratio.denominator),
            ] + run
        }
        return [
            Family(
                name: Self.prefix + "ratio_budget_limit_ratio", unit: "ratio",
                help: "A ratio budget's limit: the numerator driver's median over the denominator's must stay below.",
                samples: ratios.map { (labels($0), $0.limit) }),
            Family(
                name: Self.prefix + "ratio_budget_observed_ratio", unit: "ratio",
                help: "The ratio a ratio budget judged (absent when either side was not measured).",
                samples: ratios.compactMap { ratio in ratio.ratio.map { (labels(ratio), $0) } }),
            Family(
                name: Self.prefix + "ratio_budget_pass", unit: nil,
                help: "1 when the ratio budget passed, else 0; the outcome label is pass, fail, inconclusive or "
                    + "missing.",
                samples: ratios.map { (labels($0) + [("outcome", $0.outcome.rawValue)], $0.outcome == .pass ? 1 : 0) }
            ),
        ]
    }

    /// The exposition text, ending in `# EOF` and a line feed.
    public func render() -> String {
        var text = ""
        for family in families() {
            text += "# TYPE \(family.name) gauge\n"
            if let unit = family.unit { text += "# UNIT \(family.name) \(unit)\n" }
            text += "# HELP \(family.name) \(Self.escapedHelp(family.help))\n"
            for sample in family.samples {
                let labels = sample.labels.map { "\($0.0)=\"\(Self.escapedLabelValue($0.1))\"" }
                text += family.name + (labels.isEmpty ? "" : "{" + labels.joined(separator: ",") + "}")
                text += " \(Self.number(sample.value))\n"
            }
        }
        return text + "# EOF\n"
    }

    /// The statistics exported for one row: the value alone for exact metrics, else min, median, p95, max, mean
    /// and the median absolute deviation.
    static func statistics(of row: ReportDigest.MetricRow) -> [(String, Double)] {
        let summary = row.summary
        if row.metric.isExact { return [("value", summary.median)] }
        return [
            ("min", summary.min), ("median", summary.median), ("p95", summary.p95), ("max", summary.max),
            ("mean", summary.mean), ("mad", summary.mad),
        ]
    }

    /// OpenMetrics' base unit name for a metric unit.
    static func unitName(_ unit: MetricUnit) -> String {
        switch unit {
        case .seconds: return "seconds"
        case .bytes: return "bytes"
        }
    }

    /// A number as the ABNF allows it: integers without a fraction, `+Inf`, `-Inf`, `NaN`, else Swift's shortest
    /// round-tripping form (`1.24`, `1e-05`).
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `text` as a label value: backslash, double quote and line feed escaped, as the spec requires.
    public static func escapedLabelValue(_ text: String) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// `text` as a HELP string, escaped as OpenMetrics requires (backslash, double quote, line feed). The HELP texts
    /// are constants without double quotes, though: the 0.0.4 text parser of older Prometheus releases refuses `\"`
    /// in HELP, and OpenMetrics refuses a bare one, so a quote could not be read by both.
    static func escapedHelp(_ text: String) -> String {
        escapedLabelValue(text)
    }

    /// What each metric family holds.
    static func help(for metric: Metric) -> String {
        let what: String
        switch metric {
        case .buildSeconds: what = "Wall time of an image build per scenario"
        case .installSeconds: what = "Wall time of a build's dependency-install step per scenario"
        case .imageBytes: what = "Uncompressed image size"
        case .imageCompressedBytes: what = "Image layers gzip-compressed as a registry stores them"
        case .startupSeconds: what = "Create call until the health endpoint first answers 2xx (ready)"
        case .firstTCPSeconds: what = "Create call until the service port first accepts a TCP connection"
        case .healthySeconds: what = "Create call until the engine reports the container healthy"
        case .memoryPeakBytes: what = "The container cgroup's kernel peak memory counter"
        case .memoryWorkingSetBytes: what = "Largest sampled working set (usage minus inactive file)"
        case .memoryRSSBytes: what = "Largest sampled resident set"
        case .loadLatencyP50Seconds: what = "Median request latency under the fixed load after ready"
        case .loadLatencyP95Seconds: what = "95th percentile request latency under the fixed load after ready"
        }
        let over =
            metric.isExact
            ? "one exact value per image (statistic value)"
            : "statistics over the run's samples (statistic min, median, p95, max, mean, mad)"
        return "\(what), per service and driver: \(over)."
    }
}
