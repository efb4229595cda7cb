import ContainerBenchModel
import Foundation

/// What a run's regressions are judged against, as values: the session reads them from the history (a named
/// baseline, one run, the last good runs of a comparable machine); the analysis never reads the history itself.
public struct RegressionBaseline: Sendable, Equatable {
    /// What the samples are ("baseline nightly", "run 2026…", "last 5 good runs on this machine (…)").
    public var description: String
    /// The baseline's samples per service × driver and metric.
    public var samples: [ServiceDriver: [Metric: [Double]]]

    /// A baseline of `samples`, described as `description` in reports.
    public init(description: String, samples: [ServiceDriver: [Metric: [Double]]]) {
        self.description = description
        self.samples = samples
    }
}

/// Judges a run: budgets and ratios (targets), image policy, and regressions against a baseline.
public struct RunAnalysis: Sendable {
    public var budgets: BudgetEvaluator
    public var gate: RegressionGate

    public init(budgets: BudgetEvaluator = BudgetEvaluator(), gate: RegressionGate = RegressionGate()) {
        self.budgets = budgets
        self.gate = gate
    }

    /// The metrics the regression gate compares.
    public static let gatedMetrics: [Metric] = [
        .startupSeconds, .memoryPeakBytes, .memoryWorkingSetBytes, .imageBytes, .buildSeconds,
    ]

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
        var gate = self.gate
        gate.metrics = Self.gatedMetrics
        gate.acknowledged = acknowledged
        evaluation.regressions = gate.compare(
            baseline: baseline.samples.filtering(metrics: Self.gatedMetrics),
            current: record.sampleGrid(metrics: Self.gatedMetrics))
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

extension Dictionary where Key == ServiceDriver, Value == [Metric: [Double]] {
    func filtering(metrics: [Metric]) -> Self {
        mapValues { $0.filter { metrics.contains($0.key) } }
    }
}
