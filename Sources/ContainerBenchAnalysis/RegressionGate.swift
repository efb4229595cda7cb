import ContainerBenchModel
import ContainerBenchStatistics
import ContainerBenchSupport
import Foundation

/// Compares a run with a baseline, per service × driver × metric, and calls each cell a regression, an
/// improvement, unchanged or inconclusive.
///
/// Sampled metrics: the two-sided Mann-Whitney p-value of each cell is adjusted with Benjamini-Hochberg across
/// every tested cell of the comparison; a cell is a `regression` when its adjusted p-value is below `alpha` and the
/// current median is higher than the baseline median by more than
/// `max(minimumRelativeEffect × baseline median, metric.absoluteNoiseFloor)`, an `improvement` when lower by as
/// much, `inconclusive` when either side has fewer than `minimumSamples` values, `unchanged` otherwise. The ratio of
/// medians (current / baseline) comes with a bootstrap interval when both sides have at least 2 values.
/// Exact metrics (image bytes) have no sampling noise: their medians are compared with the same effect threshold
/// and no p-value.
public struct RegressionGate: Sendable, Equatable {
    /// The smallest relative change of the median that counts, as a fraction of the baseline median.
    public var minimumRelativeEffect: Double
    /// The false discovery rate the Benjamini-Hochberg adjusted p-values are held to.
    public var alpha: Double
    /// The metrics compared, in report order.
    public var metrics: [Metric]
    /// Fewer samples than this on either side makes a sampled cell inconclusive (the test has no power there).
    public var minimumSamples: Int
    /// Changes reviewed and accepted: reported with `acknowledged = true`, so they do not fail the run.
    public var acknowledged: Set<RegressionAcknowledgement>
    /// Resamples of the ratio-of-medians interval; 0 skips the interval (it informs reports, not the decision).
    public var resamples: Int
    /// Mixed with each cell's identity, so intervals are reproducible and independent of the grid's order.
    public var seed: UInt64

    /// A gate over `metrics` with the given thresholds.
    public init(
        minimumRelativeEffect: Double = 0.05, alpha: Double = 0.05, metrics: [Metric] = Metric.allCases,
        minimumSamples: Int = 3, acknowledged: Set<RegressionAcknowledgement> = [], resamples: Int = 2000,
        seed: UInt64 = 0x5eed
    ) {
        self.minimumRelativeEffect = minimumRelativeEffect
        self.alpha = alpha
        self.metrics = metrics
        self.minimumSamples = minimumSamples
        self.acknowledged = acknowledged
        self.resamples = resamples
        self.seed = seed
    }

    /// Samples by service × driver, then metric: the shape both sides of a comparison take.
    public typealias Samples = [ServiceDriver: [Metric: [Double]]]

    /// Compares every service × driver × metric that has values on both sides, ordered by service, driver, then
    /// the order of `metrics`. Cells present on one side only are not reported (there is nothing to compare);
    /// non-finite samples are dropped.
    public func compare(baseline: Samples, current: Samples) -> [RegressionFinding] {
        let order = current.keys.sorted { ($0.service, $0.driver) < ($1.service, $1.driver) }
        return compare(baseline: baseline, current: current, order: order)
    }

    /// `compare(baseline:current:)` with the service × driver order given.
    func compare(baseline: Samples, current: Samples, order: [ServiceDriver]) -> [RegressionFinding] {
        var findings: [RegressionFinding] = []
        // Indices into `findings` of the cells tested for significance, with their raw p-values.
        var tested: [(index: Int, pValue: Double)] = []
        for pair in order {
            guard let before = baseline[pair], let after = current[pair] else { continue }
            for metric in metrics {
                // NaN or infinite samples are broken measurements; they would poison medians and JSON output.
                let old = (before[metric] ?? []).filter(\.isFinite)
                let new = (after[metric] ?? []).filter(\.isFinite)
                guard !old.isEmpty, !new.isEmpty else { continue }
                var finding = describe(pair: pair, metric: metric, baseline: old, current: new)
                if !metric.isExact && old.count >= minimumSamples && new.count >= minimumSamples,
                    let result = try? MannWhitney.test(new, old)
                {
                    finding.pValue = result.pValue
                    tested.append((findings.count, result.pValue))
                }
                findings.append(finding)
            }
        }
        let adjusted = BenjaminiHochberg.adjusted(tested.map(\.pValue))
        for (cell, q) in zip(tested, adjusted) {
            findings[cell.index].adjustedPValue = q
            let finding = findings[cell.index]
            let direction = direction(of: finding)
            findings[cell.index].change = q < alpha ? direction : .unchanged
        }
        return findings
    }

    /// A finding with medians, ratio and interval, and the change an exact metric or a too-small sample implies;
    /// sampled cells are left `inconclusive` until their adjusted p-value is known.
    private func describe(pair: ServiceDriver, metric: Metric, baseline: [Double], current: [Double])
        -> RegressionFinding
    {
        let baselineMedian = Summary.quantile(sorted: baseline.sorted(), 0.5)
        let currentMedian = Summary.quantile(sorted: current.sorted(), 0.5)
        var finding = RegressionFinding(
            service: pair.service, driver: pair.driver, metric: metric, baselineMedian: baselineMedian,
            currentMedian: currentMedian, ratio: RegressionGate.ratio(currentMedian, baselineMedian),
            change: .inconclusive,
            acknowledged: acknowledged.contains(
                RegressionAcknowledgement(service: pair.service, driver: pair.driver, metric: metric)),
            baselineN: baseline.count, currentN: current.count)
        if metric.isExact {
            finding.change = direction(of: finding)
        } else if let interval = Bootstrap(
            resamples: resamples, seed: seed ^ StableHash.value("\(pair.service)|\(pair.driver)|\(metric)")
        ).ratioOfMedians(numerator: current, denominator: baseline) {
            finding.ratioCILow = interval.low
            finding.ratioCIHigh = interval.high
        }
        return finding
    }

    /// Regression, improvement or unchanged from the size of the change of the medians alone.
    private func direction(of finding: RegressionFinding) -> Change {
        let threshold = Swift.max(
            minimumRelativeEffect * abs(finding.baselineMedian), finding.metric.absoluteNoiseFloor)
        let difference = finding.currentMedian - finding.baselineMedian
        if difference > threshold { return .regression }
        if -difference > threshold { return .improvement }
        return .unchanged
    }

    /// current / baseline; 1 when both are 0, infinity when only the baseline is.
    static func ratio(_ current: Double, _ baseline: Double) -> Double {
        if baseline == 0 { return current == 0 ? 1 : .infinity }
        return current / baseline
    }
}
