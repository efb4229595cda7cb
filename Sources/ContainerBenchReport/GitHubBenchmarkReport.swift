import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The run's figures as github-action-benchmark's custom JSON, for `tool: customSmallerIsBetter`.
///
/// Shape (the action's `BenchmarkResult` in src/extract.ts, read by `extractCustomBenchmarkResult`,
/// https://github.com/benchmark-action/github-action-benchmark): a non-empty array of
/// `{"name": string, "unit": string, "value": number, "range"?: string, "extra"?: string}`. One entry per
/// service × driver × metric (`fastapi/uv startup_seconds`); `value` is the median (the value for exact metrics),
/// `unit` the metric's (`s`, which the action converts to and from ms/us/ns, or `B`), `range` the median absolute
/// deviation as `± d` (two or more samples of a metric that is not exact), `extra` the sample count, min/p95/max and
/// the budget outcomes, one per line, for the chart's tooltip. Every containerbench metric is smaller-is-better.
public struct GitHubBenchmarkReport: Sendable {
    /// One benchmark result as the action reads it.
    public struct Entry: Sendable, Codable, Equatable {
        /// `service/driver measure`, unique within the array.
        public var name: String
        /// `s` or `B`.
        public var unit: String
        /// The median (or the exact value).
        public var value: Double
        /// `± MAD`, in `unit`.
        public var range: String?
        /// Free text shown with the point: samples, spread, budgets, run.
        public var extra: String?
    }

    /// What to report.
    public var input: ReportInput

    /// A github-action-benchmark report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// The entries, in the run's service × driver order, then metric order. Non-finite medians are left out.
    public func entries() -> [Entry] {
        let record = input.record
        return ReportDigest(input).metrics.compactMap { row -> Entry? in
            let summary = row.summary
            guard summary.median.isFinite else { return nil }
            var lines: [String] = []
            if row.hasSpread {
                lines.append(
                    "n=\(summary.n): min \(ReportText.value(summary.min, row.metric)), "
                        + "p95 \(ReportText.value(summary.p95, row.metric)), "
                        + "max \(ReportText.value(summary.max, row.metric))")
            }
            if row.scenario == nil || row.scenario == .cold {
                let budgets = input.evaluation.budgets.filter {
                    $0.service == row.service && $0.driver == row.driver && $0.metric == row.metric
                }
                for budget in budgets {
                    lines.append(
                        "budget \(budget.budgetID): \(budget.outcome.rawValue) "
                            + "(\(ReportText.statistic(budget.statistic, budget.metric)) "
                            + "\(ReportText.value(budget.observed, budget.metric)) "
                            + "< \(ReportText.value(budget.limit, budget.metric)))")
                }
            }
            lines.append("run \(record.id)" + (record.label.map { " (\($0))" } ?? ""))
            return Entry(
                name: "\(row.benchmarkName) \(row.measureName)", unit: row.metric.unit.rawValue, value: summary.median,
                range: row.hasSpread && summary.mad.isFinite ? "± \(Self.number(summary.mad))" : nil,
                extra: lines.joined(separator: "\n"))
        }
    }

    /// The JSON text: an array, keys of each entry sorted.
    /// - Throws: `ReportError` with code `.nothingToExport` if the run measured nothing (the action fails on an
    ///   empty array: "No benchmark result was found"), `.encoding` if the entries cannot be encoded.
    public func render() throws -> String {
        let entries = entries()
        guard !entries.isEmpty else {
            throw ReportError(
                .nothingToExport,
                "run \(input.record.id) has no measured metric to export for github-action-benchmark, which rejects "
                    + "an empty array; check the run's failures with `containerbench report --run \(input.record.id)`")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(entries)
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(
                .encoding, "cannot encode the github-action-benchmark report of run \(input.record.id): \(error)")
        }
    }

    /// `value` with up to six significant digits, integers without a fraction: "0.06", "2000000".
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }
}
