import ContainerBench
import Foundation
import Testing

/// Hand-made runs: the numbers are chosen so each outcome is certain, not likely.
@Suite struct VerdictBudgetEvaluatorTests {
    private func trials(_ service: String, _ driver: String, startup: [Double], memory: Int64 = 200_000_000)
        -> [TrialRecord]
    {
        startup.enumerated().map { index, seconds in
            TrialRecord(
                service: service, driver: driver, index: index, succeeded: true,
                phases: StartupPhases(ready: seconds),
                memory: MemorySummary(
                    peakBytes: memory, workingSetPeakBytes: memory, rssPeakBytes: memory, sampleCount: 40,
                    meanIntervalSeconds: 0.05))
        }
    }

    private func builds(_ service: String, _ driver: String, _ seconds: [Double], scenario: BuildScenario = .cold)
        -> [BuildRecord]
    {
        seconds.map { BuildRecord(service: service, driver: driver, scenario: scenario, seconds: $0, succeeded: true) }
    }

    private func run(builds: [BuildRecord] = [], images: [ImageRecord] = [], trials: [TrialRecord] = []) -> RunRecord {
        RunRecord(
            id: "20261129T000000Z-00000001", startedAt: Date(timeIntervalSince1970: 0), status: .completed,
            suite: "test", environment: EnvironmentFingerprint(), builds: builds, images: images, trials: trials)
    }

    private let startup = Budget(id: "startup", metric: .startupSeconds, statistic: .median, max: 8)

    @Test func passFailAndInconclusive() throws {
        let record = run(
            trials: trials("fast", "uv", startup: [1.0, 1.1, 0.9, 1.05, 0.95])
                + trials("slow", "uv", startup: [10.2, 9.8, 11.0, 10.5, 9.9])
                + trials("edge", "uv", startup: [7.5, 8.5, 7.8, 8.3, 8.0, 7.9, 8.2]))
        let (verdicts, ratios) = BudgetEvaluator().evaluate(
            targets: Targets(source: "t", budgets: [startup]), run: record)
        #expect(ratios.isEmpty)
        #expect(verdicts.map(\.service) == ["fast", "slow", "edge"])

        let fast = verdicts[0]
        #expect(fast.outcome == .pass)
        #expect(fast.observed == 1.0)
        #expect(fast.n == 5)
        let fastMargin = try #require(fast.margin)
        #expect(abs(fastMargin - 0.875) < 1e-12)
        let fastHigh = try #require(fast.ciHigh)
        #expect(fastHigh < 8)

        #expect(fast.decision?.outcome == .pass && (fast.decision?.confidence ?? 0) >= 0.95)

        let slow = verdicts[1]
        #expect(slow.outcome == .fail)
        // Every trial over the limit: the binomial exceedance test says the median cannot be below it.
        #expect(slow.decision?.method == .exceedanceCount && slow.decision?.exceedances == 5)
        #expect(try #require(slow.margin) < 0)

        let edge = verdicts[2]
        #expect(edge.outcome == .inconclusive)
        #expect(edge.observed == 8.0)
        #expect(edge.decision?.exceedances == 4, "8.5, 8.3, 8.0, 8.2 are at or above 8")
        #expect(edge.decision?.trialsNeeded != 7, "seven trials do not decide it")
    }

    @Test func missingWhenEveryTrialFailed() {
        let failed = (0..<3).map {
            TrialRecord(
                service: "broken", driver: "pip", index: $0, succeeded: false,
                failure: TrialFailure(.exited, "exit code 1", phase: .beforeReady, exitCode: 1))
        }
        let record = run(trials: failed + trials("ok", "pip", startup: [2, 2.1, 1.9]))
        let (verdicts, _) = BudgetEvaluator().evaluate(targets: Targets(source: "t", budgets: [startup]), run: record)
        #expect(verdicts.count == 2)
        #expect(verdicts[0].outcome == .missing)
        #expect(verdicts[0].observed == nil)
        #expect(verdicts[0].n == 0)
        #expect(verdicts[1].outcome == .pass)
    }

    @Test func exactMetricsAndSingleSamplesAreComparedWithoutAnInterval() {
        let image = Budget(id: "image", metric: .imageBytes, statistic: .value, max: 450_000_000)
        let record = run(
            builds: builds("small", "uv", [30]) + builds("big", "pip", [90]),
            images: [
                ImageRecord(service: "small", driver: "uv", imageID: "sha256:a", bytes: 400_000_000),
                ImageRecord(service: "big", driver: "pip", imageID: "sha256:b", bytes: 450_000_000),
            ],
            trials: trials("small", "uv", startup: [3.0]))
        let targets = Targets(source: "t", budgets: [image, startup])
        let (verdicts, _) = BudgetEvaluator().evaluate(targets: targets, run: record)
        let small = verdicts.first { $0.budgetID == "image" && $0.service == "small" }
        let big = verdicts.first { $0.budgetID == "image" && $0.service == "big" }
        #expect(small?.outcome == .pass)
        #expect(small?.ciLow == nil && small?.decision?.method == .exactValue)
        // At the limit is not below it.
        #expect(big?.outcome == .fail)
        #expect(big?.margin == 0)
        // One trial cannot show a median below 8 s at 95%: inconclusive, with the trials that would.
        let single = verdicts.first { $0.budgetID == "startup" && $0.service == "small" }
        #expect(single?.outcome == .inconclusive)
        #expect(single?.n == 1)
        #expect((single?.decision?.trialsNeeded ?? 0) > 1)
        // "big" has no trials: its startup budget has nothing to judge.
        #expect(verdicts.first { $0.budgetID == "startup" && $0.service == "big" }?.outcome == .missing)
    }

    @Test func budgetsApplyOnlyToTheirServicesDriversAndScenario() {
        let warmBuild = Budget(
            id: "warm-build", metric: .buildSeconds, statistic: .median, max: 5, drivers: ["uv"], scenario: .warm)
        let record = run(
            builds: builds("api", "uv", [60, 61, 59]) + builds("api", "uv", [2, 2.2, 1.9], scenario: .warm)
                + builds("api", "pip", [3, 3, 3], scenario: .warm))
        let (verdicts, _) = BudgetEvaluator().evaluate(targets: Targets(source: "t", budgets: [warmBuild]), run: record)
        #expect(verdicts.count == 1)
        #expect(verdicts.first?.driver == "uv")
        #expect(verdicts.first?.observed == 2)
        #expect(verdicts.first?.outcome == .pass)
    }

    @Test func ratioBudgetsPassFailAndMiss() throws {
        let claim = RatioBudget(
            id: "uv-faster", metric: .buildSeconds, statistic: .median, numerator: "uv", denominator: "pip", max: 0.4)
        let record = run(
            builds: builds("fast", "uv", [10, 11, 9, 10.5]) + builds("fast", "pip", [40, 42, 38, 41])
                + builds("meh", "uv", [30, 31, 29, 30.5]) + builds("meh", "pip", [40, 42, 38, 41])
                + builds("one", "uv", [12]) + builds("one", "pip", [40])
                + builds("broken", "uv", [10, 11])
                + [BuildRecord(service: "broken", driver: "pip", scenario: .cold, seconds: 3, succeeded: false)]
                + builds("uvonly", "uv", [10, 10]))
        let (_, ratios) = BudgetEvaluator().evaluate(targets: Targets(source: "t", ratios: [claim]), run: record)
        #expect(ratios.map(\.service) == ["fast", "meh", "one", "broken"])

        let fast = ratios[0]
        #expect(fast.outcome == .pass)
        #expect(abs(try #require(fast.ratio) - 10.25 / 40.5) < 1e-12)
        #expect(try #require(fast.ciHigh) < 0.4)

        let meh = ratios[1]
        #expect(meh.outcome == .fail)
        #expect(try #require(meh.ciLow) >= 0.4)

        // One build a side has no interval: the ratio is reported, the budget is inconclusive.
        let one = ratios[2]
        #expect(one.outcome == .inconclusive)
        #expect(one.ratio == 0.3)
        #expect(one.ciLow == nil)

        #expect(ratios[3].outcome == .missing)
        #expect(ratios[3].ratio == nil)
    }

    @Test func ratioStraddlingTheLimitIsInconclusive() throws {
        let claim = RatioBudget(
            id: "uv-faster", metric: .buildSeconds, statistic: .median, numerator: "uv", denominator: "pip", max: 0.4)
        let record = run(
            builds: builds("api", "uv", [14, 18, 15, 17, 16, 19, 13]) + builds("api", "pip", [40, 41, 39, 40]))
        let (_, ratios) = BudgetEvaluator().evaluate(targets: Targets(source: "t", ratios: [claim]), run: record)
        let verdict = try #require(ratios.first)
        #expect(verdict.outcome == .inconclusive)
        #expect(try #require(verdict.ciLow) < 0.4 && 0.4 <= (try #require(verdict.ciHigh)))
    }

    @Test func evaluationIsDeterministic() {
        let record = run(trials: trials("edge", "uv", startup: [7.5, 8.5, 7.8, 8.3, 8.0, 7.9, 8.2]))
        let targets = Targets(source: "t", budgets: [startup])
        let first = BudgetEvaluator().evaluate(targets: targets, run: record).budgets
        let second = BudgetEvaluator().evaluate(targets: targets, run: record).budgets
        #expect(first == second)
    }
}
