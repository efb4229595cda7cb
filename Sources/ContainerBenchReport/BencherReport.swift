import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// The run's figures as Bencher Metric Format (BMF) JSON, for `bencher run --adapter json --file PATH`.
///
/// Shape (https://bencher.dev/docs/reference/bencher-metric-format/): an object of benchmarks, each an object of
/// measures, each `{"value": number, "lower_value"?: number, "upper_value"?: number}`. Here a benchmark is one
/// service × driver (`fastapi/uv`) and a measure one metric (`startup_seconds`, `warm_build_seconds`, see
/// `ReportDigest.MetricRow.measureName`). `value` is the median of the run's samples (the value itself for exact
/// metrics); `lower_value` and `upper_value` are the smallest and largest sample, present only when there are two
/// or more samples of a metric that is not exact. Every containerbench measure is smaller-is-better.
public struct BencherReport: Sendable {
    /// One measure's metric, as BMF spells it.
    public struct Measure: Sendable, Codable, Equatable {
        /// The median (or the exact value).
        public var value: Double
        /// The smallest sample.
        public var lowerValue: Double?
        /// The largest sample.
        public var upperValue: Double?

        enum CodingKeys: String, CodingKey {
            case value
            case lowerValue = "lower_value"
            case upperValue = "upper_value"
        }
    }

    /// What to report.
    public var input: ReportInput

    /// A BMF report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// Benchmarks by name, measures by name. Non-finite values are left out: JSON numbers cannot carry them.
    public func document() -> [String: [String: Measure]] {
        var benchmarks: [String: [String: Measure]] = [:]
        for row in ReportDigest(input).metrics {
            let summary = row.summary
            guard summary.median.isFinite else { continue }
            let spread = row.hasSpread && summary.min.isFinite && summary.max.isFinite
            benchmarks[row.benchmarkName, default: [:]][row.measureName] = Measure(
                value: summary.median, lowerValue: spread ? summary.min : nil, upperValue: spread ? summary.max : nil)
        }
        return benchmarks
    }

    /// The JSON text, keys sorted.
    /// - Throws: `ReportError` with code `.encoding` if the document cannot be encoded.
    public func render() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(document())
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the Bencher (BMF) report of run \(input.record.id): \(error)")
        }
    }
}
