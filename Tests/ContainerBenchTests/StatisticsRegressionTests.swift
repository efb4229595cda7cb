import ContainerBench
import Foundation
import Testing

/// The run-level screen, exact comparisons, the same-sitting confirmation and its sequential spending. Expected
/// values from scipy 1.17.1 / numpy 2.4.6 (the call is in the comment above each).
@Suite struct StatisticsRegressionTests {
    private func close(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * Swift.max(abs(expected), 1e-300)
    }

    private let runs: [[Double]] = [
        [1.00, 1.05, 0.98, 1.02, 1.01], [1.04, 1.07, 1.01, 1.03, 1.06], [0.97, 0.99, 1.00, 0.96, 1.02],
        [1.01, 1.03, 1.00, 1.04, 0.99],
    ]
    private let current = [1.10, 1.12, 1.08, 1.15, 1.11]

    @Test func runSummariesAreOnTheLogScale() throws {
        let summary = try RunSummary(trials: runs[0])
        // np.log(x).mean(), np.log(x).var(ddof=1)
        #expect(close(summary.logMean, 0.011668083000252079))
        #expect(close(summary.logVariance, 0.0006497654575131344))
        #expect(throws: StatisticsError.self) { try RunSummary(trials: [1, 0]) }
    }

    @Test func withEqualTrialCountsTheScreenIsTheExactRunLevelT() throws {
        let baseline = try runs.map { try RunSummary(trials: $0) }
        let result = try RegressionScreen().screen(current: RunSummary(trials: current), baseline: baseline)
        // m = per-run mean of logs; t = (mc - m.mean()) / (m.std(ddof=1) * sqrt(1 + 1/4)), df = 3
        // -> se 0.02433991805363467, stats.t.sf(3.7977511551895073, 3) = 0.016026776946807667
        #expect(close(result.standardError, 0.02433991805363467, 1e-10))
        #expect(result.degreesOfFreedom == 3)
        #expect(close(result.pWorse, 0.016026776946807667, 1e-9))
        #expect(close(result.ratio, 1.0968439854568999, 1e-12))
        #expect(result.finding == .suspectedRegression)
        #expect(result.noise == .betweenRuns)
        // exp((stats.t.ppf(0.8, 3) + stats.t.ppf(0.8, 3)) * se) - 1 -> 0.04878449710327204
        #expect(close(result.minimumDetectableChange, 0.04878449710327204, 1e-9))
    }

    @Test func unequalTrialCountsUseTheTwoLevelModel() throws {
        let unequal: [[Double]] = [
            [1.00, 1.05, 0.98, 1.02, 1.01], [1.04, 1.07, 1.01, 1.03, 1.06, 1.02, 1.05],
            [0.97, 0.99, 1.00, 0.96, 1.02, 0.98], [1.01, 1.03, 1.00, 1.04, 0.99],
        ]
        let current = [1.10, 1.12, 1.08, 1.15, 1.11, 1.09, 1.13, 1.07, 1.12, 1.10]
        let result = try RegressionScreen().screen(
            current: RunSummary(trials: current), baseline: unequal.map { try RunSummary(trials: $0) })
        // Moments and Satterthwaite as in the doc comment, written out in numpy:
        // V = 0.000541310888371187, df = 2.6249386116548483, p = stats.t.sf(3.814006887172986, df) = 0.01996799224273152
        #expect(close(result.standardError * result.standardError, 0.000541310888371187, 1e-9))
        #expect(close(result.degreesOfFreedom, 2.6249386116548483, 1e-9))
        #expect(close(result.pWorse, 0.01996799224273152, 1e-8))
    }

    @Test func aSingleRunBaselineLearnsItsNoiseFromHistory() throws {
        let history: [[Double]] = [
            [1.02, 1.00, 1.04, 1.01, 0.99], [0.98, 1.01, 0.97, 1.00, 1.02], [1.05, 1.03, 1.06, 1.04, 1.02],
        ]
        let screen = RegressionScreen()
        let alone = try screen.screen(
            current: RunSummary(trials: [1.00, 1.03, 0.99, 1.02, 1.01]), baseline: [RunSummary(trials: runs[0])])
        #expect(alone.noise == .withinRunOnly)
        #expect(alone.finding == .inconclusive(.noRunToRunEstimate))
        let learned = try screen.screen(
            current: RunSummary(trials: current), baseline: [RunSummary(trials: runs[0])],
            history: history.map { try RunSummary(trials: $0) })
        // A single baseline run with 3 history runs: the spread from the history alone (the baseline is what is
        // compared, not noise). V = 2 * np.var(history run means of the logs, ddof=1), df 2:
        // stats.t.sf(3.0436219304626313, 2)
        #expect(learned.noise == .betweenRuns)
        #expect(learned.spreadRuns == 3)
        #expect(close(learned.standardError * learned.standardError, 0.0009594526704403534, 1e-9))
        #expect(close(learned.pWorse, 0.04655832252723617, 1e-8))
        // An odd baseline run (20% slow) is not taken for noise: the current run is an improvement against it.
        let odd = try screen.screen(
            current: RunSummary(trials: runs[0]), baseline: [RunSummary(trials: runs[0].map { $0 * 1.2 })],
            history: history.map { try RunSummary(trials: $0) })
        // (With the odd run in the spread, p would be about 0.11.)
        #expect(odd.pBetter < 0.05, "\(odd)")
    }

    @Test func summariesWithoutWithinSpreadStillScreen() throws {
        // Per-run medians from the history (no trials): logMean = ln median, no variance.
        let stored = [1.00, 1.04, 0.98, 1.02, 1.01].map { RunSummary(count: 5, logMean: log($0), logVariance: nil) }
        let result = try RegressionScreen().screen(
            current: RunSummary(count: 5, logMean: log(1.2), logVariance: nil), baseline: stored)
        #expect(result.finding == .suspectedRegression)
        #expect(result.degreesOfFreedom == 4)
    }

    @Test func aCellThatCannotSeeTheResolutionIsInconclusiveWithItsDetectableChange() throws {
        // Two noisy baseline runs: one degree of freedom, t_0.8 = 1.376; the screen could only see a large change.
        let baseline = try [[1.0, 1.3, 0.8], [1.2, 0.9, 1.1]].map { try RunSummary(trials: $0) }
        let result = try RegressionScreen().screen(
            current: RunSummary(trials: [1.05, 0.95, 1.1]), baseline: baseline)
        #expect(result.finding == .inconclusive(.tooFewSamples))
        #expect(result.minimumDetectableChange > 0.10)
        #expect(result.finding.description == "inconclusive (too few samples)")
    }

    /// Could fail: under no change with run-to-run drift, the screen flags at its nominal level, because its
    /// noise is the between-run spread (pooling trials would flag far more often).
    @Test func theScreenIsCalibratedUnderDrift() throws {
        var generator = SeededGenerator(seed: 2013)
        let screen = RegressionScreen(alpha: 0.2)
        var flagged = 0
        let replications = 2000
        for _ in 0..<replications {
            let summaries = try (0..<11).map { _ in
                let drift = 0.05 * generator.nextNormal()
                return try RunSummary(trials: (0..<5).map { _ in exp(drift + 0.1 * generator.nextNormal()) })
            }
            let result = try screen.screen(current: summaries[10], baseline: Array(summaries[0..<10]))
            if result.finding == .suspectedRegression { flagged += 1 }
        }
        // 20% of 2000 = 400, standard error 17.9: allow 3.
        #expect(abs(flagged - 400) <= 54, "flagged \(flagged) of \(replications)")
    }

    @Test func exactMetricsCompareByAnAbsoluteTolerance() {
        let comparison = ExactComparison()
        #expect(comparison.compare(current: 472e6, baseline: 450e6) == .regression)
        #expect(comparison.compare(current: 450e6 + 500_000, baseline: 450e6) == .unchanged)
        #expect(comparison.compare(current: 440e6, baseline: 450e6) == .improvement)
        #expect(ExactComparison(tolerance: 0).compare(current: 2, baseline: 1) == .regression)
    }

    @Test func logRatioTestsMatchScipy() throws {
        let a = [1.00, 1.05, 0.98, 1.02, 1.01, 0.99]
        let b = [1.10, 1.12, 1.08, 1.15, 1.11, 1.09]
        let welch = try LogRatioTest.independent(numerator: b, denominator: a)
        // stats.ttest_ind(np.log(b), np.log(a), equal_var=False, alternative="greater")
        // -> statistic 7.004947358684787, df 9.912944425063325, p 1.931210589772157e-05
        #expect(close(welch.logRatio / welch.standardError, 7.004947358684787, 1e-10))
        #expect(close(welch.degreesOfFreedom, 9.912944425063325, 1e-10))
        #expect(close(welch.pValueAbove(1), 1.931210589772157e-05, 1e-8))
        let paired = try LogRatioTest.paired(numerator: b, denominator: a)
        // stats.ttest_rel(np.log(b), np.log(a), alternative="greater") -> 13.133404150169893, df 5,
        // p 2.28445121814519e-05; np.corrcoef(np.log(a), np.log(b))[0, 1] -> 0.7186804646483334
        #expect(close(paired.logRatio / paired.standardError, 13.133404150169893, 1e-10))
        #expect(paired.degreesOfFreedom == 5)
        #expect(close(paired.pValueAbove(1), 2.28445121814519e-05, 1e-8))
        #expect(close(paired.pairCorrelation, 0.7186804646483334, 1e-10))
        let interval = welch.interval(level: 0.9)
        #expect(interval.level == 0.9)
        #expect(interval.low < welch.ratio && welch.ratio < interval.high)
        #expect(throws: StatisticsError.self) { try LogRatioTest.paired(numerator: [1, 2, 3], denominator: [1, 2]) }
        #expect(throws: StatisticsError.self) { try LogRatioTest.independent(numerator: [1], denominator: [1, 2]) }
    }

    @Test func spendingAddsUpToAlphaAndKeepsMostForTheLastLook() {
        let plan = SequentialPlan(firstLookTrials: 5, roundTrials: 5, maximumTrials: 50, interimShare: 0.1)
        #expect(plan.looks == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
        let levels = (1...plan.maximumLooks).map { plan.level(atLook: $0, alpha: 0.01) }
        #expect(abs(levels.reduce(0, +) - 0.01) < 1e-15)
        #expect(abs((levels.last ?? 0) - 0.009) < 1e-15)
        #expect(plan.level(atLook: 11, alpha: 0.01) == 0)
        #expect(SequentialPlan.fixed(trials: 10).level(atLook: 1, alpha: 0.05) == 0.05)
        let auto = SequentialPlan(firstLookTrials: 10, roundTrials: 5, maximumTrials: 40, interimShare: 0.5)
        #expect(auto.looks == [10, 15, 20, 25, 30, 35, 40])
        // The first look adds 10 of the 35 interim trials: 0.5 · 0.05 · 10/35.
        #expect(abs(auto.confidence(atLook: 1, overall: 0.95) - (1 - 0.025 * 10 / 35)) < 1e-15)
    }

    @Test func theSequentialStepSaysWhyItStops() {
        let plan = SequentialPlan(firstLookTrials: 10, roundTrials: 5, maximumTrials: 20, interimShare: 0.5)
        #expect(plan.next(afterLook: 1, undecided: 0) == .stop(.allDecided))
        #expect(plan.next(afterLook: 1, undecided: 3) == .runRound(look: 2, trials: 5))
        #expect(plan.next(afterLook: 3, undecided: 3) == .stop(.lookLimit))
        // 10 trials took 100 s; 5 more would take 50 s: over a 120 s budget.
        #expect(plan.next(afterLook: 1, undecided: 3, elapsedSeconds: 100, timeBudgetSeconds: 120) == .stop(.timeLimit))
        #expect(
            plan.next(afterLook: 1, undecided: 3, elapsedSeconds: 100, timeBudgetSeconds: 200)
                == .runRound(look: 2, trials: 5))
    }

    @Test func holmStepsDown() {
        // m = 4, alpha 0.05: 0.01 <= 0.0125 rejected, 0.015 <= 0.0167 rejected, 0.03 > 0.025 stops.
        #expect(FamilyWiseError.holm([0.03, 0.01, 0.2, 0.015], alpha: 0.05) == [false, true, false, true])
        #expect(FamilyWiseError.bonferroniLevel(alpha: 0.01, tests: 4) == 0.0025)
    }

    @Test func aClearRegressionIsConfirmedAndNoChangeIsDroppedForFutility() throws {
        let test = ConfirmationTest()
        var generator = SeededGenerator(seed: 7)
        let a = (0..<5).map { _ in exp(0.05 * generator.nextNormal()) }
        let b = (0..<5).map { _ in 1.5 * exp(0.05 * generator.nextNormal()) }
        let strong = try test.decide(baseline: a, current: b, alpha: 0.01, look: 1)
        #expect(strong.verdict == .confirmed)
        #expect(strong.lowerBound > 1.05)
        var aa: [Double] = []
        var bb: [Double] = []
        var last: ConfirmationDecision?
        for look in 1...test.plan.maximumLooks {
            while aa.count < test.plan.trials(atLook: look) {
                aa.append(exp(0.1 * generator.nextNormal()))
                bb.append(exp(0.1 * generator.nextNormal()))
            }
            last = try test.decide(baseline: aa, current: bb, alpha: 0.01, look: look)
            if last?.verdict != .continueTrials { break }
        }
        #expect(last?.verdict == .notConfirmed)
        #expect(last?.reason == .futility)
        #expect((last?.upperBound ?? 2) < 1.10)
    }

    @Test func aSignificantButTinyChangeIsNotConfirmed() throws {
        let a = (0..<50).map { 1 + 0.001 * Double($0 % 7) }
        let b = a.map { $0 * 1.02 }
        let test = ConfirmationTest()
        let decision = try test.decide(baseline: a, current: b, alpha: 0.01, look: test.plan.maximumLooks)
        #expect(decision.pValue < 0.001)
        #expect(decision.verdict == .notConfirmed)
        #expect(decision.reason == .futility, "a sure +2% is ruled out as a +10% change, not merely out of looks")
    }

    @Test func theLastLookWithoutADecisionIsNotConfirmedForLackOfLooks() throws {
        // B ÷ A around +6% with a wide spread: neither shown above +5% nor ruled out below +10%.
        let a = [1.0, 1.2, 0.8, 1.1, 0.9, 1.05, 0.95, 1.0]
        let b = [0.9, 1.05, 1.2, 0.8, 1.0, 0.95, 1.1, 1.0].map { $0 * 1.06 }
        let test = ConfirmationTest()
        let decision = try test.decide(baseline: a, current: b, alpha: 0.01, look: test.plan.maximumLooks)
        #expect(decision.verdict == .notConfirmed)
        #expect(decision.reason == .finalLook)
    }

    /// Could fail: over all its looks, the sequential A/B confirms no change at most at its α (here 5%, to have
    /// a rate worth measuring), for interleaved trials and for duet pairs.
    @Test(arguments: LogRatioEstimate.Design.allCases)
    func repeatedLooksHoldTheConfirmationsErrorRate(design: LogRatioEstimate.Design) throws {
        var generator = SeededGenerator(seed: design == .paired ? 11 : 12)
        let test = ConfirmationTest(design: design, minimumRelativeEffect: 0, resolution: 0.10)
        var confirmed = 0
        let replications = 3000
        for _ in 0..<replications {
            var a: [Double] = []
            var b: [Double] = []
            for look in 1...test.plan.maximumLooks {
                while a.count < test.plan.trials(atLook: look) {
                    let shared = design == .paired ? 0.1 * generator.nextNormal() : 0
                    a.append(exp(shared + 0.1 * generator.nextNormal()))
                    b.append(exp(shared + 0.1 * generator.nextNormal()))
                }
                let decision = try test.decide(baseline: a, current: b, alpha: 0.05, look: look)
                if decision.verdict == .confirmed { confirmed += 1 }
                if decision.verdict != .continueTrials { break }
            }
        }
        // 5% of 3000 = 150, standard error 11.9.
        #expect(confirmed <= 186, "\(confirmed) of \(replications) confirmed with no change")
    }

    @Test func withoutConfirmationHolmJudgesAllCells() throws {
        let policy = VerdictPolicy.standard
        let baseline = try runs.map { try RunSummary(trials: $0) }
        let screen = policy.screen(cells: 2)
        let results = try [current, [1.00, 1.02, 0.99, 1.01, 1.03]].map {
            try screen.screen(current: RunSummary(trials: $0), baseline: baseline)
        }
        // p = 0.016 is a suspicion, not a regression at 1% family-wise.
        #expect(results[0].finding == .suspectedRegression)
        #expect(policy.unconfirmedRegressions(results) == [false, false])
    }
    @Test func screenFindingsAreWrittenAsPlainStrings() throws {
        let calls: [ScreenResult.Finding] = [
            .suspectedRegression, .improvement, .unchanged, .inconclusive(.tooFewSamples),
            .inconclusive(.noRunToRunEstimate),
        ]
        for call in calls {
            let data = try JSONEncoder().encode([call])
            #expect(String(decoding: data, as: UTF8.self) == "[\"\(call.description)\"]")
            #expect(try JSONDecoder().decode([ScreenResult.Finding].self, from: data) == [call])
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ScreenResult.Finding].self, from: Data(#"["suspected"]"#.utf8))
        }
    }
}
