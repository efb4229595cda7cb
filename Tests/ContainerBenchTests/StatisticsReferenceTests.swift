import ContainerBench
import Foundation
import Testing

/// Mann-Whitney, Benjamini-Hochberg and the summary statistics against values computed with scipy 1.17.1 and
/// numpy 2.4.6 (the Python call that produced each expected value is in the comment above it).
@Suite struct StatisticsReferenceTests {
    /// Relative closeness for p-values that go through different numerical routes.
    private func close(_ actual: Double, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
        abs(actual - expected) <= tolerance * Swift.max(abs(expected), 1e-300)
    }

    @Test func exactSmallSampleWithoutTies() throws {
        // stats.mannwhitneyu([1.2,3.4,2.2,5.1,0.7], [2.9,6.3,4.8,7.7,5.5,8.1], alternative="two-sided")
        // -> U1=3.0, p=0.030303030303030304 (method auto -> exact)
        let result = try MannWhitney.test([1.2, 3.4, 2.2, 5.1, 0.7], [2.9, 6.3, 4.8, 7.7, 5.5, 8.1])
        #expect(result.u1 == 3)
        #expect(result.u2 == 27)
        #expect(result.method == .exact)
        #expect(close(result.pValue, 0.030303030303030304))
    }

    @Test func exactWhenOnlyOneSampleIsSmall() throws {
        // stats.mannwhitneyu([10.5,11.2,9.8], [1,2,3,4,5,6,7,8,9,10,12,13], alternative="two-sided")
        // -> U1=29.0, p=0.13626373626373628 (auto -> exact: n1 <= 8, no ties)
        let result = try MannWhitney.test([10.5, 11.2, 9.8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13])
        #expect(result.u1 == 29)
        #expect(result.method == .exact)
        #expect(close(result.pValue, 0.13626373626373628))
    }

    @Test func tiesUseTheTieCorrectedNormalApproximation() throws {
        // stats.mannwhitneyu([1,2,2,3,4], [2,3,3,5,6,6], alternative="two-sided")
        // -> U1=6.0, p=0.1130499788563229 (auto -> asymptotic because of ties)
        let result = try MannWhitney.test([1, 2, 2, 3, 4], [2, 3, 3, 5, 6, 6])
        #expect(result.u1 == 6)
        #expect(result.hasTies)
        #expect(result.method == .asymptotic)
        #expect(close(result.pValue, 0.1130499788563229))
    }

    @Test func exactWithTiesTruncatesUAsScipyDoes() throws {
        // stats.mannwhitneyu([1,2,2,3,4], [2,3,3,5,6,6], alternative="two-sided", method="exact")
        // -> p=0.12554112554112554
        let result = try MannWhitney.test([1, 2, 2, 3, 4], [2, 3, 3, 5, 6, 6], method: .exact)
        #expect(close(result.pValue, 0.12554112554112554))
        // x = [0.91,1.02,0.98,1.05,0.95,1.01,0.97,1.03,0.99,0.96]
        // stats.mannwhitneyu(x, [1.08,1.12,1.01,1.15,1.06,1.10,1.04,1.11,1.09,1.13], alternative="two-sided",
        //                    method="exact") -> U1=4.5, p=0.00020567667626491154
        let x = [0.91, 1.02, 0.98, 1.05, 0.95, 1.01, 0.97, 1.03, 0.99, 0.96]
        let tied = try MannWhitney.test(
            x, [1.08, 1.12, 1.01, 1.15, 1.06, 1.10, 1.04, 1.11, 1.09, 1.13], method: .exact)
        #expect(tied.u1 == 4.5)
        #expect(close(tied.pValue, 0.00020567667626491154))
    }

    @Test func tenAgainstTenExactAndAutomatic() throws {
        let x = [0.91, 1.02, 0.98, 1.05, 0.95, 1.01, 0.97, 1.03, 0.99, 0.96]
        let y = [1.08, 1.12, 1.00, 1.15, 1.06, 1.10, 1.04, 1.11, 1.09, 1.13]
        // stats.mannwhitneyu(x, y, alternative="two-sided", method="exact") -> U1=5.0, p=0.00020567667626491154
        let exact = try MannWhitney.test(x, y, method: .exact)
        #expect(exact.u1 == 5)
        #expect(close(exact.pValue, 0.00020567667626491154))
        // stats.mannwhitneyu(x, y, alternative="two-sided") -> p=0.0007685389131627665 (auto -> asymptotic: both > 8)
        let automatic = try MannWhitney.test(x, y)
        #expect(automatic.method == .asymptotic)
        #expect(close(automatic.pValue, 0.0007685389131627665))
    }

    @Test func largerSamplesWithSomeCrossTies() throws {
        // x = [(i*37 % 101)/10 for i in range(1, 26)]; y = [(j*53 % 97)/10 + 1 for j in range(1, 31)]
        // stats.mannwhitneyu(x, y, alternative="two-sided") -> U1=326.5, p=0.41712378961435603
        let x = (1...25).map { Double($0 * 37 % 101) / 10 }
        let y = (1...30).map { Double($0 * 53 % 97) / 10 + 1 }
        let result = try MannWhitney.test(x, y)
        #expect(result.u1 == 326.5)
        #expect(result.method == .asymptotic)
        #expect(close(result.pValue, 0.41712378961435603, tolerance: 1e-12))
    }

    @Test func exactDistributionForTwentyAgainstFifteen() throws {
        // x = [(i*41 % 89)/7 for i in range(1, 21)]; y = [(j*29 % 83)/7 + 0.5 for j in range(1, 16)]
        // stats.mannwhitneyu(x, y, alternative="two-sided", method="exact") -> U1=172.0, p=0.47853809670733277
        // stats.mannwhitneyu(x, y, alternative="two-sided") -> p=0.4735797982690084 (asymptotic)
        let x = (1...20).map { Double($0 * 41 % 89) / 7 }
        let y = (1...15).map { Double($0 * 29 % 83) / 7 + 0.5 }
        let exact = try MannWhitney.test(x, y, method: .exact)
        #expect(exact.u1 == 172)
        #expect(close(exact.pValue, 0.47853809670733277, tolerance: 1e-12))
        #expect(close(try MannWhitney.test(x, y).pValue, 0.4735797982690084, tolerance: 1e-12))
    }

    @Test func exactPermutationTestOfMediansMatchesScipy() throws {
        // med = lambda x, y, axis: np.median(x, axis=axis) - np.median(y, axis=axis)
        // stats.permutation_test(([1.2,3.4,2.2,5.1,0.7], [2.9,6.3,4.8,7.7,5.5,8.1]), med,
        //     permutation_type="independent", alternative="two-sided", n_resamples=9999, vectorized=True)
        // -> statistic=-3.7, p=0.025974025974025976 (exact: C(11, 5) = 462 splits)
        let p = try PermutationTest.medianDifference([1.2, 3.4, 2.2, 5.1, 0.7], [2.9, 6.3, 4.8, 7.7, 5.5, 8.1])
        #expect(close(p, 0.025974025974025976, tolerance: 1e-12))
    }

    @Test func randomPermutationTestIsCloseToScipyAndDeterministic() throws {
        // The same call with x, y below, n_resamples=99999, rng=1 -> p=0.08042 (C(20, 10) > 99999: random splits)
        let x = [0.91, 1.02, 0.98, 1.05, 0.95, 1.01, 0.97, 1.03, 0.99, 0.96]
        let y = [0.95, 1.07, 1.00, 1.09, 1.02, 1.04, 0.99, 1.06, 1.01, 1.03]
        let p = try PermutationTest.medianDifference(x, y, resamples: 20000, seed: 4)
        // Monte Carlo error of a p near 0.08 from 20000 splits is about 0.004 (doubled two-sided: 0.008).
        #expect(abs(p - 0.08042) < 0.02, "p = \(p)")
        #expect(try PermutationTest.medianDifference(x, y, resamples: 20000, seed: 4) == p)
        #expect(throws: StatisticsError.self) { try PermutationTest.medianDifference(x, y, resamples: 0) }
    }

    @Test func allValuesEqualGivesPValueOne() throws {
        // stats.mannwhitneyu([5,5,5], [5,5,5,5], alternative="two-sided") -> U1=6.0, p=1.0
        let result = try MannWhitney.test([5, 5, 5], [5, 5, 5, 5])
        #expect(result.u1 == 6)
        #expect(result.pValue == 1)
    }

    @Test func swappingSamplesKeepsThePValue() throws {
        let x = [1.2, 3.4, 2.2, 5.1, 0.7]
        let y = [2.9, 6.3, 4.8, 7.7, 5.5, 8.1]
        let forward = try MannWhitney.test(x, y)
        let backward = try MannWhitney.test(y, x)
        #expect(forward.pValue == backward.pValue)
        #expect(forward.u1 == backward.u2)
    }

    @Test func rejectsEmptyAndNonFiniteSamples() {
        #expect(throws: StatisticsError.self) { try MannWhitney.test([], [1, 2]) }
        do {
            _ = try MannWhitney.test([1, .nan], [1, 2])
            Issue.record("NaN was accepted")
        } catch {
            #expect(error.code == .nonFiniteValue)
            #expect(error.description.contains("index 1"))
        }
    }

    @Test func benjaminiHochbergMatchesScipy() throws {
        // stats.false_discovery_control([0.01,0.04,0.03,0.005,0.20,0.04,0.9], method="bh")
        // -> [0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.056, 0.9]
        let q = try BenjaminiHochberg.adjust([0.01, 0.04, 0.03, 0.005, 0.20, 0.04, 0.9])
        let expected = [
            0.035, 0.055999999999999994, 0.055999999999999994, 0.035, 0.23333333333333336,
            0.055999999999999994, 0.9,
        ]
        #expect(q.count == expected.count)
        for (actual, wanted) in zip(q, expected) { #expect(close(actual, wanted, tolerance: 1e-12)) }
        // stats.false_discovery_control([0.5,0.001,0.8,0.049,0.051,0.3], method="bh")
        // -> [0.6, 0.006, 0.8, 0.102, 0.102, 0.44999999999999996]
        let second = try BenjaminiHochberg.adjust([0.5, 0.001, 0.8, 0.049, 0.051, 0.3])
        for (actual, wanted) in zip(second, [0.6, 0.006, 0.8, 0.102, 0.102, 0.44999999999999996]) {
            #expect(close(actual, wanted, tolerance: 1e-12))
        }
    }

    @Test func benjaminiHochbergCapsAtOneAndRejectsBadInput() throws {
        #expect(try BenjaminiHochberg.adjust([]) == [])
        #expect(try BenjaminiHochberg.adjust([0.9, 0.95, 1.0]) == [1.0, 1.0, 1.0])
        #expect(try BenjaminiHochberg.adjust([0.04]) == [0.04])
        #expect(throws: StatisticsError.self) { try BenjaminiHochberg.adjust([0.1, 1.5]) }
        #expect(throws: StatisticsError.self) { try BenjaminiHochberg.adjust([.nan]) }
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

    @Test func ranksAverageTies() {
        // stats.rankdata([10, 20, 20, 5, 20]) -> [2., 4., 4., 1., 4.]
        let ranks = Ranks([10, 20, 20, 5, 20])
        #expect(ranks.ranks == [2, 4, 4, 1, 4])
        #expect(ranks.tieSizes == [1, 1, 3])
    }
}
