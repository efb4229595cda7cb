import ContainerBenchModel
import ContainerBenchPlot
import Foundation

/// The run as versioned JSON (`containerbench.report/v2`), documented in docs/report-schema.md.
///
/// Fields are only ever added within a version; a removal or a change of meaning makes the next. v2 is v1 with the
/// meanings issue 14 changed (budget bounds with their own coverage, one-sided p, no Benjamini-Hochberg) and the
/// fields that say how each verdict was decided.
public struct JSONReport: Sendable {
    /// The schema string every document carries.
    public static let schema = "containerbench.report/v2"

    /// The document, as encoded; decode reports with it.
    public struct Document: Sendable, Codable, Equatable {
        /// Always `containerbench.report/v2`.
        public var schema: String
        /// `containerbench <version>`.
        public var generator: String
        /// The run itself.
        public var run: Run
        /// The machine and software it ran on.
        public var environment: EnvironmentFingerprint
        /// Statistics per service × driver × metric (× scenario for build metrics).
        public var summaries: [SummaryEntry]
        /// Every build, with its step count and install time.
        public var builds: [BuildEntry]
        /// Every image measured.
        public var images: [ImageEntry]
        /// Absolute budget verdicts.
        public var budgets: [BudgetVerdict]
        /// Ratio budget verdicts.
        public var ratios: [RatioVerdict]
        /// Comparison with the baseline.
        public var regressions: Regressions
        /// Image policy checks.
        public var policy: [PolicyFinding]
        /// Builds, trials and run errors that failed.
        public var failures: [FailureEntry]
        /// Plots that belong to the report.
        public var plots: [PlotEntry]
        /// The verdict and exit code.
        public var verdict: Verdict
    }

    /// The run's identity and outcome.
    public struct Run: Sendable, Codable, Equatable {
        /// The run id.
        public var id: String
        /// A free label ("nightly").
        public var label: String?
        /// The suite file.
        public var suite: String
        /// `running`, `completed`, `failed` or `interrupted`.
        public var status: RunStatus
        /// When the run started (ISO 8601).
        public var startedAt: Date
        /// When it finished (ISO 8601).
        public var finishedAt: Date?
        /// Trials started / succeeded.
        public var trials: Int
        /// Trials that reached ready.
        public var trialsSucceeded: Int
        /// Non-fatal findings (fairness lint).
        public var warnings: [String]
    }

    /// One metric's statistics for one service × driver.
    public struct SummaryEntry: Sendable, Codable, Equatable {
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The metric's name (`startup_seconds`).
        public var metric: Metric
        /// `s` or `B`: every value below is in it.
        public var unit: MetricUnit
        /// The build scenario, for build metrics.
        public var scenario: BuildScenario?
        /// Number of samples.
        public var n: Int
        /// Smallest sample.
        public var min: Double
        /// Median.
        public var median: Double
        /// 95th percentile.
        public var p95: Double
        /// Largest sample.
        public var max: Double
        /// Mean.
        public var mean: Double
        /// Median absolute deviation.
        public var mad: Double
    }

    /// One build.
    public struct BuildEntry: Sendable, Codable, Equatable {
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The cache scenario.
        public var scenario: BuildScenario
        /// Wall time in seconds.
        public var seconds: Double
        /// Whether the build succeeded.
        public var succeeded: Bool
        /// The image built.
        public var imageID: String?
        /// The dependency-install step's seconds, when recognised.
        public var installSeconds: Double?
        /// The BuildKit steps.
        public var steps: [BuildStep]
    }

    /// One image.
    public struct ImageEntry: Sendable, Codable, Equatable {
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The image id.
        public var imageID: String
        /// Uncompressed bytes.
        public var bytes: Int64
        /// gzip-compressed bytes.
        public var compressedBytes: Int64?
        /// Bytes over the base image.
        public var uniqueBytes: Int64?
        /// Number of layers.
        public var layerCount: Int
        /// The configured user.
        public var user: String?
        /// Whether it declares a HEALTHCHECK.
        public var hasHealthcheck: Bool
        /// What is installed (Python distributions, Debian packages), when it was read.
        public var inventory: ImageInventory?
    }

    /// The baseline comparison.
    public struct Regressions: Sendable, Codable, Equatable {
        /// What was compared against; absent when nothing was.
        public var baseline: String?
        /// One finding per service × driver × metric.
        public var findings: [RegressionFinding]
    }

    /// Something that failed.
    public struct FailureEntry: Sendable, Codable, Equatable {
        /// `build`, `trial`, `floor-trial` or `run`.
        public var kind: String
        /// What failed.
        public var subject: String
        /// Why.
        public var detail: String
        /// The last log lines.
        public var log: String?
    }

    /// A plot of the run.
    public struct PlotEntry: Sendable, Codable, Equatable {
        /// The chart kind.
        public var kind: PlotKind
        /// Its title.
        public var title: String
        /// The image path, relative to the report when below it.
        public var path: String
    }

    /// The verdict.
    public struct Verdict: Sendable, Codable, Equatable {
        /// `pass`, `budget breached`, `regression`, `inconclusive`, `infrastructure error`, `interrupted`.
        public var status: String
        /// The process exit code containerbench returns for this run.
        public var exitCode: Int32
        /// Whether inconclusive results failed the run.
        public var strict: Bool
    }

    /// What to report.
    public var input: ReportInput

    /// A JSON report of `input`.
    public init(_ input: ReportInput) {
        self.input = input
    }

    /// The document the text encodes.
    public func document() -> Document {
        let digest = ReportDigest(input)
        let record = input.record
        let evaluation = input.evaluation
        return Document(
            schema: Self.schema,
            generator: "containerbench \(ContainerBenchVersion.current)",
            run: Run(
                id: record.id, label: record.label, suite: record.suite, status: record.status,
                startedAt: record.startedAt, finishedAt: record.finishedAt, trials: record.trials.count,
                trialsSucceeded: record.trials.filter(\.succeeded).count, warnings: record.warnings),
            environment: record.environment,
            summaries: digest.metrics.map {
                SummaryEntry(
                    service: $0.service, driver: $0.driver, metric: $0.metric, unit: $0.metric.unit,
                    scenario: $0.scenario, n: $0.summary.n, min: $0.summary.min, median: $0.summary.median,
                    p95: $0.summary.p95, max: $0.summary.max, mean: $0.summary.mean, mad: $0.summary.mad)
            },
            builds: record.builds.map {
                BuildEntry(
                    service: $0.service, driver: $0.driver, scenario: $0.scenario, seconds: $0.seconds,
                    succeeded: $0.succeeded, imageID: $0.imageID, installSeconds: $0.installSeconds, steps: $0.steps)
            },
            images: record.images.map {
                ImageEntry(
                    service: $0.service, driver: $0.driver, imageID: $0.imageID, bytes: $0.bytes,
                    compressedBytes: $0.compressedBytes, uniqueBytes: $0.uniqueBytes, layerCount: $0.layers.count,
                    user: $0.user, hasHealthcheck: $0.hasHealthcheck, inventory: $0.inventory)
            },
            budgets: evaluation.budgets,
            ratios: evaluation.ratios,
            regressions: Regressions(baseline: evaluation.baselineDescription, findings: evaluation.regressions),
            policy: evaluation.policy,
            failures: digest.failures.map {
                FailureEntry(kind: $0.kind, subject: $0.subject, detail: $0.detail, log: $0.log)
            },
            plots: input.plots.map { PlotEntry(kind: $0.kind, title: $0.title, path: $0.link) },
            verdict: Verdict(
                status: digest.verdict.description, exitCode: digest.verdict.rawValue, strict: input.strict)
        )
    }

    /// The encoder and decoder settings of v1 and v2: sorted keys, ISO 8601 dates, non-finite numbers as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A decoder for v2 documents (and v1: every field v2 added is optional).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// The JSON text.
    /// - Throws: `ReportError` with code `.encoding` if the document cannot be encoded.
    public func render() throws -> String {
        do {
            let data = try Self.encoder().encode(document())
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the JSON report of run \(input.record.id): \(error)")
        }
    }
}
