import ContainerBenchModel
import Foundation

extension RegressionGate {
    /// Compares `current` with the pooled samples of `baseline` runs, in the current run's service × driver order.
    ///
    /// Pooling treats every baseline sample as exchangeable with every other. When runs differ systematically
    /// (another machine state, another day), pooled p-values are too small; compare runs with the same
    /// `EnvironmentFingerprint.comparabilityKey` only.
    public func compare(baseline: [RunRecord], current: RunRecord, scenario: BuildScenario = .cold)
        -> [RegressionFinding]
    {
        compare(
            baseline: RegressionGate.pool(baseline, metrics: metrics, scenario: scenario),
            current: RegressionGate.pool([current], metrics: metrics, scenario: scenario),
            order: current.pairs)
    }

    /// Every sample of `metrics` in `runs`, pooled per service × driver (build metrics from `scenario` builds).
    /// Metrics without samples are left out, so a cell exists only where something was measured.
    public static func pool(_ runs: [RunRecord], metrics: [Metric], scenario: BuildScenario = .cold) -> Samples {
        var pooled: Samples = [:]
        for run in runs {
            for pair in run.pairs {
                for metric in metrics {
                    let values = run.values(of: metric, service: pair.service, driver: pair.driver, scenario: scenario)
                    guard !values.isEmpty else { continue }
                    pooled[pair, default: [:]][metric, default: []].append(contentsOf: values)
                }
            }
        }
        return pooled
    }
}
