import ContainerBench
import Foundation
import Testing

@Suite struct VerdictRegressionGateTests {
    private let api = ServiceDriver(service: "api", driver: "uv")

    @Test func detectsARegressionAndAnImprovement() throws {
        var generator = SeededGenerator(seed: 3)
        let baseline = generator.logNormalSample(count: 10, median: 2.0, sigma: 0.03)
        let slower = generator.logNormalSample(count: 10, median: 2.4, sigma: 0.03)
        let lighter = generator.logNormalSample(count: 10, median: 150e6, sigma: 0.02)
        let heavier = generator.logNormalSample(count: 10, median: 200e6, sigma: 0.02)
        let gate = RegressionGate(metrics: [.startupSeconds, .memoryPeakBytes])
        let findings = gate.compare(
            baseline: [api: [.startupSeconds: baseline, .memoryPeakBytes: heavier]],
            current: [api: [.startupSeconds: slower, .memoryPeakBytes: lighter]])
        #expect(findings.map(\.metric) == [.startupSeconds, .memoryPeakBytes])
        let startup = findings[0]
        #expect(startup.change == .regression)
        #expect(try #require(startup.pValue) < 0.001)
        #expect(try #require(startup.adjustedPValue) < 0.05)
        #expect(startup.ratio > 1.1)
        #expect(try #require(startup.ratioCILow) > 1)
        #expect(startup.baselineN == 10 && startup.currentN == 10)
        #expect(findings[1].change == .improvement)
        #expect(try #require(findings[1].ratioCIHigh) < 1)
    }

    @Test func tooFewSamplesAreInconclusive() {
        let findings = RegressionGate(metrics: [.startupSeconds]).compare(
            baseline: [api: [.startupSeconds: [1.0, 1.1]]], current: [api: [.startupSeconds: [3.0, 3.1, 3.2]]])
        #expect(findings.count == 1)
        #expect(findings[0].change == .inconclusive)
        #expect(findings[0].pValue == nil)
        #expect(findings[0].adjustedPValue == nil)
        #expect(findings[0].ratioCILow != nil)
    }

    @Test func significantButBelowTheNoiseFloorIsUnchanged() {
        // 50 ms -> 56 ms is 12% and clearly significant, but below startup's 10 ms absolute noise floor.
        let baseline = [0.050, 0.051, 0.049, 0.050, 0.052, 0.048, 0.050, 0.051]
        let current = baseline.map { $0 + 0.006 }
        let findings = RegressionGate(metrics: [.startupSeconds]).compare(
            baseline: [api: [.startupSeconds: baseline]], current: [api: [.startupSeconds: current]])
        #expect(findings[0].change == .unchanged)
        #expect((findings[0].adjustedPValue ?? 1) < 0.05)
    }

    @Test func significantButBelowTheRelativeEffectIsUnchanged() {
        let baseline = (0..<10).map { 10.0 + Double($0) * 0.01 }
        let current = baseline.map { $0 * 1.03 }
        let findings = RegressionGate(metrics: [.startupSeconds]).compare(
            baseline: [api: [.startupSeconds: baseline]], current: [api: [.startupSeconds: current]])
        #expect(findings[0].change == .unchanged)
        let strict = RegressionGate(minimumRelativeEffect: 0.01, metrics: [.startupSeconds]).compare(
            baseline: [api: [.startupSeconds: baseline]], current: [api: [.startupSeconds: current]])
        #expect(strict[0].change == .regression)
    }

    @Test func exactMetricsCompareValuesWithoutAPValue() {
        let gate = RegressionGate(metrics: [.imageBytes])
        let grown = gate.compare(
            baseline: [api: [.imageBytes: [400e6]]], current: [api: [.imageBytes: [430e6]]])
        #expect(grown[0].change == .regression)
        #expect(grown[0].pValue == nil)
        #expect(grown[0].ratio == 430.0 / 400.0)
        let nudged = gate.compare(baseline: [api: [.imageBytes: [400e6]]], current: [api: [.imageBytes: [410e6]]])
        #expect(nudged[0].change == .unchanged)
        let shrunk = gate.compare(baseline: [api: [.imageBytes: [400e6]]], current: [api: [.imageBytes: [300e6]]])
        #expect(shrunk[0].change == .improvement)
    }

    @Test func adjustsPValuesAcrossTheWholeGrid() throws {
        var generator = SeededGenerator(seed: 21)
        var baseline: RegressionGate.Samples = [:]
        var current: RegressionGate.Samples = [:]
        for (index, service) in ["a", "b", "c", "d"].enumerated() {
            let pair = ServiceDriver(service: service, driver: "pip")
            baseline[pair] = [.startupSeconds: generator.normalSample(count: 8, mean: 2, sd: 0.1)]
            current[pair] = [.startupSeconds: generator.normalSample(count: 8, mean: 2 + 0.1 * Double(index), sd: 0.1)]
        }
        let findings = RegressionGate(metrics: [.startupSeconds]).compare(baseline: baseline, current: current)
        #expect(findings.map(\.service) == ["a", "b", "c", "d"])
        let raw = findings.compactMap(\.pValue)
        let expected = try BenjaminiHochberg.adjust(raw)
        #expect(findings.compactMap(\.adjustedPValue) == expected)
        #expect(zip(raw, expected).allSatisfy { $0 <= $1 })
    }

    @Test func acknowledgedRegressionsAreMarked() {
        let gate = RegressionGate(
            metrics: [.imageBytes],
            acknowledged: [RegressionAcknowledgement(service: "api", driver: "uv", metric: .imageBytes)])
        let findings = gate.compare(
            baseline: [api: [.imageBytes: [400e6]], ServiceDriver(service: "web", driver: "uv"): [.imageBytes: [1e8]]],
            current: [api: [.imageBytes: [500e6]], ServiceDriver(service: "web", driver: "uv"): [.imageBytes: [2e8]]])
        #expect(findings.map(\.acknowledged) == [true, false])
        #expect(findings.allSatisfy { $0.change == .regression })
        let evaluation = Evaluation(runID: "r", regressions: [findings[0]])
        #expect(ExitStatus.verdict(status: .completed, evaluation: evaluation, strict: false) == .pass)
    }

    @Test func cellsOnOneSideOnlyAreNotReported() {
        let findings = RegressionGate(metrics: [.startupSeconds, .healthySeconds]).compare(
            baseline: [api: [.startupSeconds: [1, 1, 1]]],
            current: [
                api: [.startupSeconds: [1, 1, 1], .healthySeconds: [2, 2, 2]],
                ServiceDriver(service: "new", driver: "uv"): [.startupSeconds: [1, 1, 1]],
            ])
        #expect(findings.count == 1)
        #expect(findings[0].change == .unchanged)
        #expect(findings[0].pValue == 1)
    }

    @Test func poolsBaselineRunsAndComparesRunRecords() throws {
        func record(_ id: String, startup: [Double], imageBytes: Int64) -> RunRecord {
            let trials = startup.enumerated().map { index, seconds in
                TrialRecord(
                    service: "api", driver: "uv", index: index, succeeded: true, phases: StartupPhases(ready: seconds))
            }
            return RunRecord(
                id: id, startedAt: Date(timeIntervalSince1970: 0), status: .completed, suite: "test",
                environment: EnvironmentFingerprint(),
                builds: [BuildRecord(service: "api", driver: "uv", scenario: .cold, seconds: 30, succeeded: true)],
                images: [ImageRecord(service: "api", driver: "uv", imageID: "sha256:x", bytes: imageBytes)],
                trials: trials)
        }
        let baselines = [
            record("b1", startup: [1.00, 1.02, 0.98], imageBytes: 400_000_000),
            record("b2", startup: [1.01, 0.99, 1.03], imageBytes: 400_000_000),
        ]
        let pooled = RegressionGate.pool(baselines, metrics: [.startupSeconds, .imageBytes, .healthySeconds])
        #expect(pooled[api]?[.startupSeconds]?.count == 6)
        #expect(pooled[api]?[.imageBytes] == [400e6, 400e6])
        #expect(pooled[api]?[.healthySeconds] == nil)

        let current = record("c", startup: [1.30, 1.32, 1.28, 1.31, 1.29, 1.33], imageBytes: 401_000_000)
        let findings = RegressionGate(metrics: [.startupSeconds, .imageBytes, .buildSeconds])
            .compare(baseline: baselines, current: current)
        #expect(findings.map(\.metric) == [.startupSeconds, .imageBytes, .buildSeconds])
        #expect(findings[0].change == .regression)
        #expect(findings[0].baselineN == 6)
        #expect(findings[1].change == .unchanged)
        // One cold build per run: 2 baseline builds against 1 is too few to test.
        #expect(findings[2].change == .inconclusive)
    }

    /// A/A: both sides drawn from the same distribution (5% noise, n = 10) 1000 times; alerts are false alarms.
    @Test(arguments: ["normal", "lognormal"])
    func falseAlarmRateOfAnAATestIsAtMostFivePercent(noise: String) {
        let rate = alertRate(noise: noise, shift: 0, seed: 1000)
        #expect(rate <= 0.05, "false regression rate \(rate)")
    }

    /// Power: the current side is 10% slower (5% noise, n = 10); the gate must see it at least 90% of the time.
    @Test(arguments: ["normal", "lognormal"])
    func detectsATenPercentShiftAtLeastNinetyPercentOfTheTime(noise: String) {
        let rate = alertRate(noise: noise, shift: 0.10, seed: 2000)
        #expect(rate >= 0.90, "detection rate \(rate)")
    }

    /// The share of 1000 seeded repetitions the gate calls a regression.
    private func alertRate(noise: String, shift: Double, seed: UInt64) -> Double {
        // The ratio interval informs reports, not the decision: skip it to keep 1000 repetitions fast.
        let gate = RegressionGate(metrics: [.startupSeconds], resamples: 0)
        var generator = SeededGenerator(seed: seed)
        var alerts = 0
        for _ in 0..<1000 {
            let baseline: [Double]
            let current: [Double]
            if noise == "normal" {
                baseline = generator.normalSample(count: 10, mean: 1.0, sd: 0.05)
                current = generator.normalSample(count: 10, mean: 1.0 + shift, sd: 0.05 * (1 + shift))
            } else {
                baseline = generator.logNormalSample(count: 10, median: 1.0, sigma: 0.05)
                current = generator.logNormalSample(count: 10, median: 1.0 + shift, sigma: 0.05)
            }
            let findings = gate.compare(
                baseline: [api: [.startupSeconds: baseline]], current: [api: [.startupSeconds: current]])
            if findings.first?.change == .regression { alerts += 1 }
        }
        return Double(alerts) / 1000
    }
}
