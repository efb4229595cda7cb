import ContainerBench
import Foundation
import Testing

/// The distributions under the budget and regression rules, against scipy 1.17.1 (the Python call that produced
/// each expected value is in the comment above it).
@Suite struct StatisticsDistributionTests {
    private func close(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(actual - expected) <= tolerance * Swift.max(abs(expected), 1e-300)
    }

    @Test func logGammaAndIncompleteBeta() {
        // [math.lgamma(x) for x in [0.5, 1.5, 4.5, 10.0, 100.5]]
        let expected = [
            0.5723649429247004, -0.12078223763524543, 2.453736570842443, 12.801827480081467,
            361.4355404677776,
        ]
        for (x, value) in zip([0.5, 1.5, 4.5, 10.0, 100.5], expected) {
            #expect(close(SpecialFunctions.logGamma(x), value, 1e-13), "lgamma(\(x))")
        }
        // special.betainc(2.5, 0.5, 0.3), special.betainc(50, 30, 0.6), special.betainc(0.5, 4.5, 0.9)
        #expect(close(SpecialFunctions.regularizedIncompleteBeta(0.3, a: 2.5, b: 0.5), 0.018927124071945658, 1e-12))
        #expect(close(SpecialFunctions.regularizedIncompleteBeta(0.6, a: 50, b: 30), 0.3170571539691119, 1e-11))
        #expect(close(SpecialFunctions.regularizedIncompleteBeta(0.9, a: 0.5, b: 4.5), 0.9999914619487767, 1e-13))
        #expect(SpecialFunctions.regularizedIncompleteBeta(1.2, a: 1, b: 1).isNaN)
    }

    @Test func normalQuantiles() {
        // stats.norm.ppf(0.95), ppf(0.975), ppf(1e-10), ppf(0.999); stats.norm.isf(1e-12)
        #expect(close(NormalDistribution.quantile(0.95), 1.6448536269514722, 1e-14))
        #expect(close(NormalDistribution.quantile(0.975), 1.959963984540054, 1e-14))
        #expect(close(NormalDistribution.quantile(1e-10), -6.361340902404056, 1e-14))
        #expect(close(NormalDistribution.quantile(0.999), 3.090232306167813, 1e-13))
        #expect(close(NormalDistribution.upperQuantile(1e-12), 7.034483825301131, 1e-14))
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test(arguments: [
        // stats.t.ppf(p, df)
        (1.0, 0.95, 6.313751514675037), (2.0, 0.95, 2.9199855803537242), (2.0, 0.975, 4.302652729749462),
        (4.0, 0.8, 0.9409645772351816), (9.0, 0.8, 0.8834038596855346), (9.0, 0.99, 2.821437925025809),
        (4.3, 0.95, 2.0898220962719454), (30.0, 0.9999, 4.23398595727206),
    ])
    func studentTQuantiles(df: Double, p: Double, expected: Double) {
        let distribution = StudentTDistribution(degreesOfFreedom: df)
        #expect(close(distribution.quantile(p), expected, 1e-10))
        #expect(close(distribution.quantile(1 - p), -expected, 1e-9))
    }

    @Test func studentTTails() {
        // stats.t.sf(2.1, 4), stats.t.sf(5.0, 9), stats.t.cdf(-3.3, 7.5)
        #expect(close(StudentTDistribution(degreesOfFreedom: 4).survival(2.1), 0.05182664315880109, 1e-11))
        #expect(close(StudentTDistribution(degreesOfFreedom: 9).survival(5.0), 0.0003694839549016213, 1e-11))
        #expect(close(StudentTDistribution(degreesOfFreedom: 7.5).cdf(-3.3), 0.005945817281130584, 1e-11))
    }

    @Test func binomialTails() {
        // stats.binom.sf(2, 10, 0.05) = P(X >= 3)
        #expect(close(BinomialDistribution(trials: 10, probability: 0.05).survival(atLeast: 3), 0.011503557379296871))
        // stats.binom.sf(0, 5, 0.05) = P(X >= 1) = 1 - 0.95**5
        #expect(close(BinomialDistribution(trials: 5, probability: 0.05).survival(atLeast: 1), 0.2262190625))
        // stats.binom.cdf(1, 93, 0.05)
        #expect(close(BinomialDistribution(trials: 93, probability: 0.05).cdf(atMost: 1), 0.04997579524261633))
        // stats.binom.sf(9, 100, 0.05) = P(X >= 10)
        #expect(close(BinomialDistribution(trials: 100, probability: 0.05).survival(atLeast: 10), 0.02818829416341614))
        // stats.binom.pmf(3, 20, 0.1)
        #expect(close(BinomialDistribution(trials: 20, probability: 0.1).probability(of: 3), 0.19011987137619904))
        #expect(BinomialDistribution(trials: 5, probability: 0.3).survival(atLeast: 0) == 1)
        #expect(BinomialDistribution(trials: 5, probability: 0.3).survival(atLeast: 6) == 0)
    }

    @Test func clopperPearsonBounds() {
        // stats.beta.ppf(0.95, 1, 59) == 1 - 0.05**(1/59): the bound of 0 exceedances in 59 trials
        #expect(close(ClopperPearson.upperBound(successes: 0, trials: 59, confidence: 0.95), 0.04950760988822693))
        // stats.beta.ppf(0.95, 2, 99), stats.beta.ppf(0.95, 4, 17)
        #expect(close(ClopperPearson.upperBound(successes: 1, trials: 100, confidence: 0.95), 0.046559811453538935))
        #expect(close(ClopperPearson.upperBound(successes: 3, trials: 20, confidence: 0.95), 0.3436638043142818))
        // stats.beta.ppf(0.05, 3, 8), stats.beta.ppf(0.025, 5, 16)
        #expect(close(ClopperPearson.lowerBound(successes: 3, trials: 10, confidence: 0.95), 0.08726443391415033))
        let interval = ClopperPearson.interval(successes: 5, trials: 20, level: 0.95)
        #expect(close(interval.low, 0.08657146910143461))
        #expect(ClopperPearson.upperBound(successes: 4, trials: 4, confidence: 0.95) == 1)
        #expect(ClopperPearson.upperBound(successes: 0, trials: 5, confidence: 1.2).isNaN)
    }

    @Test(arguments: [
        // stats.nct.ppf(g, n-1, stats.norm.ppf(p)*np.sqrt(n))/np.sqrt(n)
        (3, 0.95, 0.95, 7.655900133153338), (5, 0.95, 0.95, 4.202680741256176), (10, 0.95, 0.95, 2.9109634130781665),
        (20, 0.95, 0.95, 2.3960016837521687), (10, 0.99, 0.95, 3.9811178452730585), (5, 0.5, 0.95, 0.9533908663681714),
        (30, 0.95, 0.99, 2.515486154897651), (100, 0.99, 0.95, 2.683957855691278), (10, 0.9, 0.9, 2.0656683200017674),
    ])
    func toleranceFactors(n: Int, coverage: Double, confidence: Double, expected: Double) {
        let factor = NormalToleranceFactor.upper(n: n, coverage: coverage, confidence: confidence)
        #expect(close(factor, expected, 1e-8), "k(\(n), \(coverage), \(confidence)) = \(factor)")
        // The inverse: the confidence of that factor is the confidence asked for.
        #expect(abs(NormalToleranceFactor.confidence(n: n, coverage: coverage, margin: expected) - confidence) < 1e-9)
        if n >= 10 {
            let approximate = NormalToleranceFactor.approximateUpper(n: n, coverage: coverage, confidence: confidence)
            #expect(abs(approximate / expected - 1) < 0.03)
        }
    }

    @Test func noncentralTDistribution() {
        // stats.nct.cdf(8.0, 9, 1.645*np.sqrt(10)), stats.nct.cdf(3.0, 4, 2.0), stats.nct.cdf(-1.0, 2, 0.5)
        #expect(
            abs(
                NoncentralTDistribution(degreesOfFreedom: 9, noncentrality: 1.645 * 10.0.squareRoot()).cdf(8)
                    - 0.8918583989932023) < 1e-10)
        #expect(abs(NoncentralTDistribution(degreesOfFreedom: 4, noncentrality: 2).cdf(3) - 0.710539476289959) < 1e-10)
        #expect(
            abs(NoncentralTDistribution(degreesOfFreedom: 2, noncentrality: 0.5).cdf(-1) - 0.10327857197969201)
                < 1e-10)
    }

    @Test func orderStatisticBoundsStateTheirCoverage() throws {
        // The maximum of 5 values bounds the p95 with 1 - 0.95**5 = 0.22621906250000023, not 95%.
        let five = [0.2, 0.2, 0.2, 0.2, 1.6]
        let bound = try #require(QuantileBound.upper(sorted: five, probability: 0.95, confidence: 0.95))
        #expect(bound.rank == 5)
        #expect(!bound.reachesConfidence)
        #expect(close(bound.coverage, 0.22621906250000023))
        // Of 20 values, the 14th smallest bounds the median at stats.binom.cdf(13, 20, 0.5) = 0.9423408508300781
        // (< 0.95), the 15th at >= 0.95.
        let twenty = (1...20).map(Double.init)
        let median = try #require(QuantileBound.upper(sorted: twenty, probability: 0.5, confidence: 0.95))
        #expect(median.rank == 15)
        #expect(median.reachesConfidence)
        let interval = try #require(QuantileBound.interval(sorted: twenty, probability: 0.5, level: 0.95))
        #expect(interval.level >= 0.95)
        #expect(interval.low <= 10.5 && interval.high >= 10.5)
    }
}
