import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

/// What a run's regressions are judged against, as values: the session reads them from the history (a named
/// baseline, one run, the last good runs of a comparable machine); the analysis never reads the history itself.
public struct RegressionBaseline: Sendable, Equatable {
    /// One earlier run's samples.
    public struct Run: Sendable, Equatable {
        /// The run (nil for the pooled samples of a baseline whose runs are no longer stored).
        public var id: String?
        public var samples: [ServiceDriver: [Metric: [Double]]]

        /// A run; see the properties.
        public init(id: String?, samples: [ServiceDriver: [Metric: [Double]]]) {
            self.id = id
            self.samples = samples
        }
    }

    /// What the baseline is ("baseline nightly", "run 2026…", "last 10 good runs on this machine (…)").
    public var description: String
    /// The baseline's runs, newest first: each is one draw of a run summary.
    public var runs: [Run]
    /// Earlier comparable runs outside the baseline, newest first: what the run-to-run spread is learned from when
    /// the baseline alone cannot give it (a single run).
    public var history: [Run]

    /// A baseline of `runs` (and `history`), described as `description` in reports.
    public init(description: String, runs: [Run], history: [Run] = []) {
        self.description = description
        self.runs = runs
        self.history = history
    }

    /// A baseline of one pooled set of samples (a named baseline whose runs are gone, a test).
    public init(description: String, samples: [ServiceDriver: [Metric: [Double]]]) {
        self.init(description: description, runs: [Run(id: nil, samples: samples)])
    }
}

/// Judges a run: budgets and ratios (targets), image policy, and regressions against a baseline.
public struct RunAnalysis: Sendable {
    public var policy: VerdictPolicy
    public var budgets: BudgetEvaluator

    /// An analysis with `policy` (its budget judge unless `budgets` is given).
    public init(policy: VerdictPolicy = .standard, budgets: BudgetEvaluator? = nil) {
        self.policy = policy
        self.budgets = budgets ?? BudgetEvaluator(judge: policy.budgetJudge())
    }

    /// The metrics the regression gate compares.
    public static let gatedMetrics: [Metric] = [
        .startupSeconds, .memoryPeakBytes, .memoryWorkingSetBytes, .imageBytes, .buildSeconds,
    ]

    /// The gate of this analysis over the gated metrics.
    public func gate(acknowledged: Set<RegressionAcknowledgement> = []) -> RegressionGate {
        RegressionGate(policy: policy, metrics: Self.gatedMetrics, acknowledged: acknowledged)
    }

    /// Evaluates `record`.
    /// - Parameters:
    ///   - targets: the budgets; nil judges none.
    ///   - policy: image policy findings collected while the images were inspected.
    ///   - baseline: what regressions are judged against; nil skips the regression gate.
    ///   - acknowledged: changes reviewed and accepted (reported, not alerted).
    public func evaluate(
        _ record: RunRecord, targets: Targets?, policy: [PolicyFinding], baseline: RegressionBaseline?,
        acknowledged: Set<RegressionAcknowledgement> = []
    ) -> Evaluation {
        let settings = targets?.policy ?? PolicySettings()
        let leveled = policy.compactMap { finding -> PolicyFinding? in
            let level = settings.level(of: finding.check)
            guard level != .off else { return nil }
            var finding = finding
            finding.level = level
            return finding
        }
        var evaluation = Evaluation(runID: record.id, policy: leveled)
        if let targets {
            let (budgetVerdicts, ratioVerdicts) = budgets.evaluate(targets: targets, run: record)
            evaluation.budgets = budgetVerdicts
            evaluation.ratios = ratioVerdicts
        }
        guard let baseline else { return evaluation }
        evaluation.regressions = gate(acknowledged: acknowledged).compare(
            current: record.sampleGrid(metrics: Self.gatedMetrics),
            baseline: RegressionBaseline(
                description: baseline.description, runs: baseline.runs.map { $0.filtering(Self.gatedMetrics) },
                history: baseline.history.map { $0.filtering(Self.gatedMetrics) }),
            order: record.pairs.sorted { ($0.service, $0.driver) < ($1.service, $1.driver) })
        evaluation.baselineDescription = baseline.description
        return evaluation
    }
}

extension RunRecord {
    /// The samples of `metrics` for every service × driver (cold builds).
    public func sampleGrid(metrics: [Metric]) -> [ServiceDriver: [Metric: [Double]]] {
        var grid: [ServiceDriver: [Metric: [Double]]] = [:]
        for pair in pairs {
            for metric in metrics {
                let values = values(of: metric, service: pair.service, driver: pair.driver)
                if !values.isEmpty { grid[pair, default: [:]][metric] = values }
            }
        }
        return grid
    }
}

extension RegressionBaseline.Run {
    func filtering(_ metrics: [Metric]) -> Self {
        RegressionBaseline.Run(id: id, samples: samples.mapValues { $0.filter { metrics.contains($0.key) } })
    }
}
