import Foundation

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
    ///   - policy: image policy findings collected while the images were inspected.
    ///   - store: the history, for the baseline; nil skips the regression gate.
    /// - Throws: `HistoryError` when the baseline cannot be read (a named baseline that does not exist, a run id
    ///   that is unknown).
    public func evaluate(
        _ record: RunRecord, targets: Targets?, policy: [PolicyFinding], store: (any HistoryStore)?,
        baseline: BaselineSelection
    ) throws -> Evaluation {
        var evaluation = Evaluation(runID: record.id, policy: policy)
        if let targets {
            let (budgetVerdicts, ratioVerdicts) = budgets.evaluate(targets: targets, run: record)
            evaluation.budgets = budgetVerdicts
            evaluation.ratios = ratioVerdicts
        }
        guard let store, baseline != .none else { return evaluation }
        let baselineSamples: [ServiceDriver: [Metric: [Double]]]
        var description = baseline.description
        switch baseline {
        case .none:
            return evaluation
        case .named(let name):
            guard try store.baseline(named: name) != nil else {
                throw HistoryError(
                    .baselineNotFound, path: "",
                    detail: "no baseline named '\(name)': see `containerbench baseline list`")
            }
            baselineSamples = try store.samples(baseline: name, scenario: .cold)
        case .run(let id):
            guard try store.run(id: id) != nil else {
                throw HistoryError(.runNotFound, path: "", detail: "no run '\(id)' in the history")
            }
            baselineSamples = try store.samples(runIDs: [id], scenario: .cold)
        case .lastGood(let count):
            let rows = try store.lastGoodRuns(
                count: count, fingerprintKey: record.environment.comparabilityKey, excluding: [record.id])
            guard !rows.isEmpty else { return evaluation }
            description = "last \(rows.count) good run(s) on this machine (\(rows.map(\.id).joined(separator: ", ")))"
            baselineSamples = try store.samples(runIDs: rows.map(\.id), scenario: .cold)
        }
        let current = record.sampleGrid(metrics: Self.gatedMetrics)
        var gate = self.gate
        gate.metrics = Self.gatedMetrics
        gate.acknowledged = Set(
            try store.annotations().map {
                RegressionAcknowledgement(service: $0.service, driver: $0.driver, metric: $0.metric)
            })
        evaluation.regressions = gate.compare(
            baseline: baselineSamples.filtering(metrics: Self.gatedMetrics), current: current)
        evaluation.baselineDescription = description
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
