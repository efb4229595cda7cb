import ContainerBench
import Foundation
import Testing

/// Budget rules (`BudgetJudge`): observed breaches, exceedance counts, distribution-free and log-normal passes,
/// ratios. Expected values from scipy 1.17.1 (the call is in the comment above each).
@Suite struct StatisticsBudgetTests {
    private let judge = BudgetJudge()

    private func close(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-8) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * Swift.max(abs(expected), 1e-300)
    }

    @Test func anObservedMemoryBreachFailsAMaxBudget() throws {
        // The case: a percentile bootstrap called it "inconclusive, exit 0".
        let decision = try judge.judgeMaximum([0.2e9, 0.2e9, 0.2e9, 0.2e9, 1.6e9], limit: 1.5e9)
        #expect(decision.outcome == .fail)
        #expect(decision.method == .observedBreach)
        #expect(decision.confidence == 1)
        #expect(decision.exceedances == 1)
    }

    @Test func aValueAtTheLimitIsAnExceedance() throws {
        #expect(try judge.judgeMaximum([1, 2, 3], limit: 3).outcome == .fail)
        #expect(try judge.judgeExact(450e6, limit: 450e6).outcome == .fail)
        #expect(try judge.judgeExact(449_999_999, limit: 450e6).outcome == .pass)
        #expect(try judge.judgeQuantile([1, 1, 1, 1, 1], probability: 0.5, limit: 1).outcome == .fail)
    }

    @Test func aMaxPassStatesItsExceedanceBound() throws {
        let decision = try judge.judgeMaximum([Double](repeating: 0.3e9, count: 10), limit: 1.5e9)
        #expect(decision.outcome == .pass)
        #expect(decision.method == .noObservedBreach)
        // 1 - 0.05**(1/10) = 0.2588655508930523
        #expect(close(decision.exceedanceBound, 0.2588655508930523, 1e-12))
        #expect(decision.trialsNeeded == 59)
    }

    @Test(arguments: [(0.95, 59), (0.99, 299), (0.5, 5), (0.9, 29)])
    func distributionFreeMinimumTrials(probability: Double, expected: Int) {
        // min n with 1 - 0.05**(1/n) < 1 - p, found by counting up in Python
        #expect(BudgetJudge.distributionFreeMinimumTrials(probability: probability, confidence: 0.95) == expected)
    }

    @Test func fiftyNineCleanTrialsPassAP95WithoutAssumption() throws {
        let decision = try judge.judgeQuantile((1...59).map { Double($0) / 100 }, probability: 0.95, limit: 1)
        #expect(decision.outcome == .pass)
        #expect(decision.method == .distributionFree)
        #expect(decision.assumption == nil)
        // 1 - 0.95**59 = 0.9515054747505769
        #expect(close(decision.confidence, 0.9515054747505769, 1e-12))
        #expect(decision.boundCoverage ?? 0 >= 0.95)
    }

    @Test func fewTrialsWithAWideMarginPassByTheStatedLogNormalBound() throws {
        let startups = [2.41, 2.55, 2.48, 2.62, 2.39]
        let decision = try judge.judgeQuantile(startups, probability: 0.95, limit: 8)
        #expect(decision.outcome == .pass)
        #expect(decision.method == .lognormalTolerance)
        #expect(decision.assumption == BudgetJudge.lognormalAssumption)
        // y = np.log(x); m = (np.log(8) - y.mean()) / y.std(ddof=1)
        // stats.nct.cdf(m*np.sqrt(5), 4, stats.norm.ppf(0.95)*np.sqrt(5)) -> 0.9999750004169853
        #expect(close(decision.confidence, 0.9999750004169853, 1e-9))
        // np.exp(y.mean() + k*y.std(ddof=1)), k = nct.ppf(0.95, 4, norm.ppf(0.95)*sqrt(5))/sqrt(5) -> 2.925134875550532
        #expect(close(decision.bound, 2.925134875550532, 1e-8))
        // A distribution-free pass would need 59 trials: 5 cannot give one, whatever they are.
        #expect(decision.trialsNeeded == 5)
    }

    @Test func aP95NearTheLimitIsInconclusiveAndSaysWhatItNeeds() throws {
        let trials = [0.80, 0.85, 0.88, 0.90, 0.92, 0.93, 0.95, 0.97, 0.99, 1.02]
        let decision = try judge.judgeQuantile(trials, probability: 0.95, limit: 1)
        #expect(decision.outcome == .inconclusive)
        #expect(decision.exceedances == 1)
        // stats.nct.cdf((np.log(1)-m)/s*np.sqrt(10), 9, stats.norm.ppf(0.95)*np.sqrt(10)) -> 0.10652010927175848
        #expect(close(decision.passConfidence, 0.10652010927175848, 1e-8))
        // 1 - stats.binom.sf(0, 10, 0.05) -> fail confidence 0.5987369392383789
        #expect(close(decision.failConfidence, 1 - 0.4012630607616211, 1e-10))
        #expect(decision.confidence < 0.95)
        // 1 in 10 is above the 5% allowed: at that rate 51 trials would fail it (counting up in Python: the
        // smallest n with stats.binom.sf(ceil(0.1 n) - 1, n, 0.05) < 0.05).
        #expect(decision.trialsNeeded == 51)

        // 1 in 20 leans to pass: x = np.r_[np.linspace(0.80, 0.99, 19), 1.01]
        let twenty = (0..<19).map { 0.80 + 0.19 * Double($0) / 18 } + [1.01]
        let leaning = try judge.judgeQuantile(twenty, probability: 0.95, limit: 1)
        #expect(leaning.outcome == .inconclusive)
        // stats.nct.cdf(-m/s*np.sqrt(20), 19, stats.norm.ppf(0.95)*np.sqrt(20)) -> 0.32646650983272446
        #expect(close(leaning.passConfidence, 0.32646650983272446, 1e-8))
        // Its log-normal margin (1.52 sd) is below z_0.95, so only the distribution-free route can pass: 1
        // exceedance needs n = 93 (stats.binom.cdf(1, 93, 0.05) = 0.04997579524261633 < 0.05).
        #expect(leaning.trialsNeeded == 93)
    }

    @Test func tooManyExceedancesFailAPercentileBudget() throws {
        let trials = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 1.1, 1.2, 1.3]
        let decision = try judge.judgeQuantile(trials, probability: 0.95, limit: 1)
        #expect(decision.outcome == .fail)
        #expect(decision.method == .exceedanceCount)
        // 1 - stats.binom.sf(2, 10, 0.05) -> 0.9884964426207031
        #expect(close(decision.confidence, 1 - 0.011503557379296871, 1e-10))
        // Two exceedances of ten are compatible with a p95 below the limit (stats.binom.sf(1, 10, .05) = 0.086).
        let two = try judge.judgeQuantile(Array(trials.dropLast()) + [0.99], probability: 0.95, limit: 1)
        #expect(two.outcome == .inconclusive)
        #expect(two.trialsNeeded != nil)
    }

    @Test func aMedianBudgetPassesDistributionFreeFromFiveTrials() throws {
        let decision = try judge.judgeQuantile([1, 2, 3, 4, 5, 6], probability: 0.5, limit: 10)
        #expect(decision.outcome == .pass)
        #expect(decision.method == .distributionFree)
        // 1 - stats.binom.cdf(0, 6, 0.5) = 1 - 0.5**6
        #expect(close(decision.confidence, 1 - pow(0.5, 6), 1e-12))
    }

    /// Could fail: at a true p95 exactly at the limit no rule may pass more often than 5% (plus Monte Carlo error)
    /// at any sample size, neither the log-normal route (n < 59) nor the distribution-free one.
    @Test(arguments: [5, 10, 20, 40, 60])
    func passesAtMostFivePercentWhenTheTrueP95IsAtTheLimit(n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(n) * 7919)
        let sigma = 0.1
        let center = -NormalDistribution.quantile(0.95) * sigma
        let fast = BudgetJudge(detailed: false)
        var passes = 0
        let replications = 1500
        for _ in 0..<replications {
            let values = (0..<n).map { _ in exp(center + sigma * generator.nextNormal()) }
            if try fast.judgeQuantile(values, probability: 0.95, limit: 1).outcome == .pass { passes += 1 }
        }
        // 5% of 1500 is 75; 3 standard errors above is 100.
        #expect(passes <= 100, "\(passes) of \(replications) passed at n = \(n)")
    }

    @Test func theUVClaimIsJudgedOnRepeatedBuildsWithAnInterval() throws {
        let uv = [1.48, 1.52, 1.45]
        let pip = [6.51, 6.70, 6.30]
        let decision = try judge.judgeRatio(numerator: uv, denominator: pip, limit: 0.4)
        #expect(decision.outcome == .pass)
        #expect(decision.method == .logRatioBound)
        // Welch on logs: d = mean(log uv) - mean(log pip), df = 3.7493538826990767,
        // stats.t.cdf((np.log(0.4)-d)/se, df) -> 0.999987043393532; np.exp(d + t.ppf(0.95, df)*se) -> 0.23950746366518227
        #expect(close(decision.passConfidence, 0.999987043393532, 1e-9))
        #expect(close(decision.bound, 0.23950746366518227, 1e-9))
        // streamlit-like: ratio 0.4538113939984253, stats.t.cdf((d-np.log(0.4))/se, df) -> 0.9990092503400683
        let slow = try judge.judgeRatio(numerator: [15.2, 15.9, 15.6], denominator: [34.1, 35.0, 33.8], limit: 0.4)
        #expect(slow.outcome == .fail)
        #expect(close(slow.failConfidence, 0.9990092503400683, 1e-9))
    }

    @Test func oneBuildPerDriverCannotDecideARatioBudget() throws {
        let decision = try judge.judgeRatio(numerator: [1.5], denominator: [6.5], limit: 0.4)
        #expect(decision.outcome == .inconclusive)
        #expect(decision.trialsNeeded == nil)
        let near = try judge.judgeRatio(numerator: [2.5, 2.7, 2.6], denominator: [6.5, 6.9, 6.2], limit: 0.4)
        #expect(near.outcome == .inconclusive)
        #expect((near.trialsNeeded ?? 0) > 3)
        #expect(throws: StatisticsError.self) {
            try judge.judgeRatio(numerator: [0, 1], denominator: [1, 2], limit: 1)
        }
    }

    @Test func aMeanBudgetUsesAOneSidedTBound() throws {
        let decision = try judge.judgeMean([0.9, 1.1, 1.0, 1.2, 0.95, 1.05], limit: 1.3)
        #expect(decision.outcome == .pass)
        // stats.t.cdf((1.3 - x.mean())/(x.std(ddof=1)/np.sqrt(6)), 5) -> 0.9991089172562349
        #expect(close(decision.confidence, 0.9991089172562349, 1e-9))
        #expect(try judge.judgeMean([1], limit: 2).outcome == .inconclusive)
    }

    @Test func badInputIsRefused() {
        #expect(throws: StatisticsError.self) { try judge.judgeMaximum([], limit: 1) }
        #expect(throws: StatisticsError.self) { try judge.judgeQuantile([1, .nan], probability: 0.95, limit: 1) }
        #expect(throws: StatisticsError.self) { try judge.judgeQuantile([1, 2], probability: 1, limit: 3) }
        #expect(throws: StatisticsError.self) { try BudgetJudge(level: 1).judgeMaximum([1], limit: 2) }
    }
    @Test func explanationsPrintValuesInTheirUnitAndConfidencesNeverRoundedUp() throws {
        var seconds = judge
        seconds.unit = .seconds
        let startup = try seconds.judgeMaximum([0.84, 1.2, 0.9], limit: 8)
        #expect(startup.explanation.contains("limit 8.00 s"), "\(startup.explanation)")
        #expect(startup.explanation.contains("largest 1.20 s"), "\(startup.explanation)")
        var bytes = judge
        bytes.unit = .bytes
        let memory = try bytes.judgeMaximum([1.6e9, 1.2e9], limit: 1.5e9)
        #expect(memory.explanation.contains("limit 1500.0 MB") && memory.explanation.contains("1600.0 MB"))
        #expect(!memory.explanation.contains("e+09"), "\(memory.explanation)")
        // A pass whose confidence is 0.9999986 must not read as certain.
        let ratio = try judge.judgeRatio(
            numerator: [1.0, 1.01, 0.99, 1.0], denominator: [4.0, 4.04, 3.96, 4.0], limit: 0.4)
        #expect(ratio.outcome == .pass)
        #expect(!ratio.explanation.contains("100%") && !ratio.explanation.contains("100.0"), "\(ratio.explanation)")
        #expect(ratio.explanation.contains("limit 0.4:"), "ratios are unitless: \(ratio.explanation)")
    }
}
