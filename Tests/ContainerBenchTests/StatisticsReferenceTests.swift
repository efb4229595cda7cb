import ContainerBench
import Foundation
import Testing

/// The summary statistics against values computed with numpy 2.4.6 (the Python call that produced each expected
/// value is in the comment above it).
@Suite struct StatisticsReferenceTests {
    /// Relative closeness for p-values that go through different numerical routes.
    private func close(_ actual: Double, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
        abs(actual - expected) <= tolerance * Swift.max(abs(expected), 1e-300)
    }

    @Test func summaryMatchesNumpy() throws {
        let values = [3.1, 0.4, 2.2, 9.7, 5.5, 1.8, 4.4, 2.2, 7.3, 6.0, 0.9]
        let summary = try #require(Summary(values))
        // np.median(d) -> 3.1; np.percentile(d, 95) -> 8.5; np.percentile(d, 25) -> 2.0
        // stats.median_abs_deviation(d) -> 2.2; np.max(d) -> 9.7; np.mean(d) -> 3.9545454545454537
        #expect(close(summary.median, 3.1))
        #expect(close(summary.p95, 8.5))
        #expect(close(Summary.quantile(sorted: values.sorted(), 0.25), 2.0))
        #expect(close(summary.mad, 2.2))
        #expect(summary.max == 9.7)
        #expect(close(summary.mean, 3.9545454545454537))
        #expect(BudgetStatistic.p95.of(sorted: values.sorted()) == summary.p95)
        #expect(BudgetStatistic.value.of(sorted: values.sorted()) == summary.median)
    }
}
