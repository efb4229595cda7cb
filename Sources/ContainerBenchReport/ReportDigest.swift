import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// What every report format shows, computed once from a `ReportInput` so all formats agree.
public struct ReportDigest: Sendable, Equatable {
    /// The summary of one metric of one service × driver (and build scenario, for build metrics).
    public struct MetricRow: Sendable, Equatable {
        /// The service.
        public var service: String
        /// The driver.
        public var driver: String
        /// The metric.
        public var metric: Metric
        /// The build scenario, for build metrics.
        public var scenario: BuildScenario?
        /// The samples' statistics.
        public var summary: Summary
    }

    /// Something that failed: a build, a trial, or the run.
    public struct Failure: Sendable, Equatable {
        /// `build`, `trial`, `floor-trial` or `run`.
        public var kind: String
        /// What failed, e.g. `fastapi/pip build (cold)`.
        public var subject: String
        /// Why.
        public var detail: String
        /// The last log lines, when there are any.
        public var log: String?
    }

    /// The verdict and exit status.
    public var verdict: ExitStatus
    /// Summaries per service × driver × metric, in the run's pair order then metric order.
    public var metrics: [MetricRow]
    /// Every failure, builds first.
    public var failures: [Failure]
    /// The service × driver pairs of the run and of the evaluation, in first-seen order.
    public var pairs: [ServiceDriver]

    /// The digest of `input`.
    public init(_ input: ReportInput) {
        let record = input.record
        verdict = input.verdict
        var pairs = record.pairs
        let judged =
            input.evaluation.budgets.map { ServiceDriver(service: $0.service, driver: $0.driver) }
            + input.evaluation.regressions.map { ServiceDriver(service: $0.service, driver: $0.driver) }
            + input.evaluation.policy.map { ServiceDriver(service: $0.service, driver: $0.driver) }
        for pair in judged where !pairs.contains(pair) { pairs.append(pair) }
        self.pairs = pairs

        var rows: [MetricRow] = []
        for pair in pairs {
            for metric in Metric.allCases {
                let scenarios: [BuildScenario?] =
                    metric == .buildSeconds || metric == .installSeconds ? BuildScenario.allCases : [nil]
                for scenario in scenarios {
                    let values = record.values(
                        of: metric, service: pair.service, driver: pair.driver, scenario: scenario ?? .cold)
                    if let summary = Summary(values) {
                        rows.append(
                            MetricRow(
                                service: pair.service, driver: pair.driver, metric: metric, scenario: scenario,
                                summary: summary))
                    }
                }
            }
        }
        metrics = rows

        var failures: [Failure] = []
        for build in record.builds where !build.succeeded {
            failures.append(
                Failure(
                    kind: "build", subject: "\(build.service)/\(build.driver) build (\(build.scenario.rawValue))",
                    detail: "the build failed after \(MetricUnit.seconds.format(build.seconds))", log: build.logTail))
        }
        for (kind, trials) in [("trial", record.trials), ("floor-trial", record.floorTrials)] {
            for trial in trials where !trial.succeeded {
                failures.append(
                    Failure(
                        kind: kind, subject: "\(trial.service)/\(trial.driver) \(kind) \(trial.index + 1)",
                        detail: trial.failure?.description ?? "the trial failed without a recorded reason", log: nil))
            }
        }
        for error in record.errors {
            failures.append(Failure(kind: "run", subject: "run \(record.id)", detail: error, log: nil))
        }
        self.failures = failures
    }
}
