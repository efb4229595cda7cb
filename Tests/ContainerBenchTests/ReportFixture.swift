import ContainerBench
import Foundation

/// A fixed run and its evaluation (fixed dates and ids) that every report and plot test renders.
enum ReportFixture {
    static let start = Date(timeIntervalSince1970: 1_795_915_800)  // 2026-11-29T01:30:00Z
    static let runID = "20261129T013000Z-1a2b3c4d"

    static let environment = EnvironmentFingerprint(
        kernel: "6.1.0-27-amd64", cpuModel: "Intel Xeon (2 vCPU)", cpuCores: 2, memoryBytes: 25_769_803_776,
        engineVersion: "20.10.24", apiVersion: "1.41", storageDriver: "overlay2", cgroupVersion: 1,
        buildClient: "/usr/bin/docker 20.10.24 (BuildKit)", harnessVersion: "0.1.0",
        baseImages: ["python:3.12-slim": "sha256:4a1b2c3d"], lockHashes: ["fastapi/uv.lock": "9f8e7d6c"],
        gitCommit: "6fc30d7", gitDirty: false)

    static func trials(_ service: String, _ driver: String, ready: [Double], failedIndex: Int? = nil)
        -> [TrialRecord]
    {
        ready.enumerated().map { index, ready in
            if index == failedIndex {
                return TrialRecord(
                    service: service, driver: driver, index: index, succeeded: false,
                    failure: TrialFailure(.notReady, "not ready after 60 s; last log: uvicorn <error> & \"boom\""),
                    phases: StartupPhases(created: 0.05, started: 0.31))
            }
            let peak = Int64(180_000_000 + index * 2_000_000 + (driver == "pip" ? 25_000_000 : 0))
            let samples = (0..<12).map { step -> MemorySample in
                let t = 0.25 * Double(step)
                let rss = Int64(Double(peak) * min(1, t / 1.5) * 0.7)
                return MemorySample(
                    t: t, usageBytes: rss + 30_000_000, workingSetBytes: rss + 10_000_000, rssBytes: rss,
                    cacheBytes: 30_000_000)
            }
            return TrialRecord(
                service: service, driver: driver, index: index, succeeded: true,
                phases: StartupPhases(
                    created: 0.05, started: 0.31, running: 0.33, firstTCP: ready - 0.1, ready: ready, healthy: nil),
                memory: MemorySummary(
                    peakBytes: peak, workingSetPeakBytes: peak - 20_000_000, rssPeakBytes: peak - 40_000_000,
                    sampleCount: 12, meanIntervalSeconds: 0.05),
                samples: samples,
                load: index == 0
                    ? LoadResult(
                        requests: 200, failures: 0, concurrency: 4, seconds: 1.0, latencyP50: 0.004, latencyP95: 0.011,
                        latencyMax: 0.03)
                    : nil)
        }
    }

    static func layers(_ driver: String) -> [ImageLayer] {
        [
            ImageLayer(createdBy: "Imported from -", bytes: 151_000_000),
            ImageLayer(createdBy: "/bin/sh -c #(nop)  ENV SSL_CERT_FILE=/etc/ssl/certs/ca.crt", bytes: 0),
            ImageLayer(createdBy: "WORKDIR /app", bytes: 0),
            ImageLayer(createdBy: "COPY pyproject.toml uv.lock ./ # buildkit", bytes: 210_000),
            ImageLayer(
                createdBy: driver == "uv"
                    ? "RUN |1 UV_VERSION=0.5.4 /bin/sh -c uv sync --locked --no-install-project --no-dev # buildkit"
                    : "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit",
                bytes: driver == "uv" ? 158_000_000 : 301_000_000),
            ImageLayer(createdBy: "COPY app/ ./app/ # buildkit", bytes: 1_400_000),
            ImageLayer(createdBy: "/bin/sh -c #(nop)  CMD [\"uvicorn\", \"app.main:app\"]", bytes: 0),
        ]
    }

    static func image(_ service: String, _ driver: String) -> ImageRecord {
        let layers = layers(driver)
        return ImageRecord(
            service: service, driver: driver, imageID: "sha256:\(driver == "uv" ? "aa11" : "bb22")\(service)",
            bytes: layers.map(\.bytes).reduce(0, +), compressedBytes: driver == "uv" ? 104_000_000 : 171_000_000,
            baseBytes: 151_000_000, layers: layers, user: driver == "uv" ? "app" : nil, hasHealthcheck: driver == "uv",
            inventory: service == "fastapi" && driver == "uv" ? inventory : nil)
    }

    static func build(_ service: String, _ driver: String, _ scenario: BuildScenario, _ seconds: Double)
        -> BuildRecord
    {
        BuildRecord(
            service: service, driver: driver, scenario: scenario, seconds: seconds, succeeded: true,
            imageID: "sha256:\(driver)\(service)",
            steps: [
                BuildStep(name: "[internal] load build definition from Dockerfile", seconds: 0.1, cached: false),
                BuildStep(
                    name: driver == "uv"
                        ? "[builder 4/6] RUN uv sync --locked --no-install-project"
                        : "[builder 4/6] RUN pip install -r requirements.txt",
                    seconds: seconds * 0.8, cached: scenario == .warm),
                BuildStep(name: "[final 3/3] COPY app/ ./app/", seconds: 0.2, cached: false),
            ])
    }

    static var record: RunRecord {
        RunRecord(
            id: runID, startedAt: start, finishedAt: start.addingTimeInterval(642), status: .completed,
            label: "nightly", suite: "benchmarks/suite.yaml", environment: environment,
            builds: [
                // Three cold builds per driver, alternated (`--build-repeats 3`): what the ratio budgets judge.
                build("fastapi", "uv", .cold, 41.2), build("fastapi", "pip", .cold, 98.7),
                build("fastapi", "pip", .cold, 104.2), build("fastapi", "uv", .cold, 43.9),
                build("fastapi", "uv", .cold, 40.6), build("fastapi", "pip", .cold, 95.9),
                build("fastapi", "uv", .warm, 3.1), build("fastapi", "uv", .codeChange, 5.4),
                build("fastapi", "pip", .warm, 3.4), build("fastapi", "pip", .codeChange, 61.0),
                build("analytics", "uv", .cold, 77.5),
                BuildRecord(
                    service: "analytics", driver: "pip", scenario: .cold, seconds: 12.5, succeeded: false,
                    logTail: "#9 ERROR: pip install | numpy<2 & \"scipy\"\n```\nerror: <resolution-impossible>"),
            ],
            images: [image("fastapi", "uv"), image("fastapi", "pip"), image("analytics", "uv")],
            trials: trials("fastapi", "uv", ready: [1.12, 1.31, 1.18, 1.24, 1.45])
                + trials("fastapi", "pip", ready: [1.52, 1.61, 1.49, 60.0, 1.58], failedIndex: 3)
                + trials("analytics", "uv", ready: [7.4, 8.6, 7.9]),
            warnings: ["fairness: fastapi's uv and pip Dockerfiles use different base images <slim> & <full>"],
            errors: ["build analytics/pip (cold) failed: pip install exited 1"])
    }

    /// The fixture's verdicts, as the product writes them: budgets and ratios from `BudgetJudge` on the record's
    /// own samples; regressions from `RegressionGate.compare` against 10 made-up baseline runs (the record's
    /// samples scaled, with about 1.3% run-to-run drift, 5% for analytics' startup), its suspicions confirmed or
    /// dropped by `ConfirmationTest` on made-up interleaved A/B trials. Values are rounded to 6 digits and written
    /// out, so the golden files change only when the reports do.
    static var evaluation: Evaluation {
        Evaluation(
            runID: runID, budgets: budgets, ratios: ratios, regressions: regressions,
            baselineDescription: "last 10 good runs on this machine",
            policy: [
                PolicyFinding(
                    service: "fastapi", driver: "uv", check: "non-root", outcome: .pass, detail: "runs as user app"),
                PolicyFinding(
                    service: "fastapi", driver: "pip", check: "healthcheck", outcome: .fail,
                    detail: "the image declares no HEALTHCHECK; add one so `docker ps` shows health"),
            ])
    }

    static let lognormal = "independent trials from a log-normal distribution (normal log values)"

    static var budgets: [BudgetVerdict] {
        [
            BudgetVerdict(
                budgetID: "startup", service: "fastapi", driver: "uv", metric: .startupSeconds, statistic: .median,
                limit: 8, observed: 1.24, ciHigh: 1.45, n: 5, outcome: .pass, margin: 0.845,
                decision: BudgetDecision(
                    outcome: .pass, method: .distributionFree, level: 0.95, confidence: 0.96875,
                    passConfidence: 0.96875, failConfidence: 0, n: 5, exceedances: 0, exceedanceBound: 0.450720,
                    bound: 1.45, boundCoverage: 0.96875, trialsNeeded: 5,
                    explanation: "0 of 5 trials at or above the limit 8: P(exceed) ≤ 45.1% < 50.0% at 95.0%"
                        + " (Clopper-Pearson, no distributional assumption)")),
            BudgetVerdict(
                budgetID: "startup", service: "fastapi", driver: "pip", metric: .startupSeconds, statistic: .median,
                limit: 8, observed: 1.55, ciHigh: 1.61508, n: 4, outcome: .pass, margin: 0.80625,
                decision: BudgetDecision(
                    outcome: .pass, method: .lognormalTolerance, level: 0.95, confidence: 0.999998624,
                    passConfidence: 0.999998624, failConfidence: 0, n: 4, exceedances: 0, exceedanceBound: 0.527129,
                    bound: 1.61508, boundCoverage: 0.95, trialsNeeded: 4, assumption: lognormal,
                    explanation: "0 of 4 trials at or above the limit 8: the log-normal upper tolerance bound of the"
                        + " median is below the limit at 100.00% confidence (assumes log-normal trials)")),
            BudgetVerdict(
                budgetID: "startup", service: "analytics", driver: "uv", metric: .startupSeconds, statistic: .median,
                limit: 8, observed: 7.9, ciHigh: 9.02863, n: 3, outcome: .inconclusive, margin: 0.0125,
                decision: BudgetDecision(
                    outcome: .inconclusive, method: .lognormalTolerance, level: 0.95, confidence: 0.549117,
                    passConfidence: 0.549117, failConfidence: 0.125, n: 3, exceedances: 1, exceedanceBound: 0.864650,
                    bound: 9.02863, boundCoverage: 0.95, trialsNeeded: 8, assumption: lognormal,
                    explanation: "1 of 3 trials at or above the limit 8: pass shown at 54.9%, fail at 12.5%; neither"
                        + " reaches 95.0% (needs 8 trials for a distribution-free pass)")),
            BudgetVerdict(
                budgetID: "startup", service: "analytics", driver: "pip", metric: .startupSeconds, statistic: .median,
                limit: 8, observed: nil, n: 0, outcome: .missing),
            BudgetVerdict(
                budgetID: "startup-p95", service: "fastapi", driver: "uv", metric: .startupSeconds, statistic: .p95,
                limit: 1.5, observed: 1.422, ciHigh: 1.90643, n: 5, outcome: .inconclusive, margin: 0.052,
                decision: BudgetDecision(
                    outcome: .inconclusive, method: .lognormalTolerance, level: 0.95, confidence: 0.506434,
                    passConfidence: 0.506434, failConfidence: 0, n: 5, exceedances: 0, exceedanceBound: 0.450720,
                    bound: 1.90643, boundCoverage: 0.95, trialsNeeded: 59, assumption: lognormal,
                    explanation: "0 of 5 trials at or above the limit 1.5: pass shown at 50.6%, fail at 0.0%; neither"
                        + " reaches 95.0% (needs 59 trials for a distribution-free pass)")),
            BudgetVerdict(
                budgetID: "image-size", service: "fastapi", driver: "uv", metric: .imageBytes, statistic: .value,
                limit: 450_000_000, observed: 310_610_000, ciHigh: 310_610_000, n: 1, outcome: .pass,
                margin: 0.309756,
                decision: BudgetDecision(
                    outcome: .pass, method: .exactValue, level: 0.95, confidence: 1, passConfidence: 1,
                    failConfidence: 0, n: 1, bound: 310_610_000, boundCoverage: 1, trialsNeeded: 1,
                    explanation: "3.106e+08 < limit 4.5e+08 (exact)")),
            BudgetVerdict(
                budgetID: "image-size", service: "fastapi", driver: "pip", metric: .imageBytes, statistic: .value,
                limit: 450_000_000, observed: 453_610_000, ciHigh: 453_610_000, n: 1, outcome: .fail,
                margin: -0.0080222,
                decision: BudgetDecision(
                    outcome: .fail, method: .exactValue, level: 0.95, confidence: 1, passConfidence: 0,
                    failConfidence: 1, n: 1, bound: 453_610_000, boundCoverage: 1, trialsNeeded: 1,
                    explanation: "4.536e+08 ≥ limit 4.5e+08 (exact)")),
            BudgetVerdict(
                budgetID: "memory", service: "fastapi", driver: "uv", metric: .memoryPeakBytes, statistic: .max,
                limit: 1_500_000_000, observed: 188_000_000, n: 5, outcome: .pass, margin: 0.874667,
                decision: BudgetDecision(
                    outcome: .pass, method: .noObservedBreach, level: 0.95, confidence: 0.95, passConfidence: 0.95,
                    failConfidence: 0, n: 5, exceedances: 0, exceedanceBound: 0.450720, bound: 188_000_000,
                    trialsNeeded: 59,
                    explanation: "no trial of 5 reached the limit 1.5e+09 (largest 1.88e+08); a further trial reaches"
                        + " it with probability at most 45.1% at 95.0% confidence; 59 trials without one would bound"
                        + " it below 5.0%")),
            BudgetVerdict(
                budgetID: "memory-small", service: "fastapi", driver: "pip", metric: .memoryPeakBytes, statistic: .max,
                limit: 200_000_000, observed: 213_000_000, ciHigh: 213_000_000, n: 4, outcome: .fail, margin: -0.065,
                decision: BudgetDecision(
                    outcome: .fail, method: .observedBreach, level: 0.95, confidence: 1, passConfidence: 0,
                    failConfidence: 1, n: 4, exceedances: 4, bound: 213_000_000, boundCoverage: 1, trialsNeeded: 4,
                    explanation: "4 of 4 trials at or above the limit 2e+08 (largest 2.13e+08): observed, not"
                        + " estimated")),
        ]
    }

    static var ratios: [RatioVerdict] {
        [
            RatioVerdict(
                budgetID: "uv-build-faster", service: "fastapi", metric: .buildSeconds, numerator: "uv",
                denominator: "pip", limit: 0.4, ratio: 0.417427, ciLow: 0.382615, ciHigh: 0.462552,
                outcome: .inconclusive,
                decision: BudgetDecision(
                    outcome: .inconclusive, method: .logRatioBound, level: 0.95, confidence: 0.893011,
                    passConfidence: 0.106989, failConfidence: 0.893011, n: 3, bound: 0.452475, boundCoverage: 0.95,
                    trialsNeeded: 5, assumption: "log-normal times (Welch's degrees of freedom)",
                    explanation: "ratio 0.4207 (3 ÷ 3 repeats) against the limit 0.4: below it at 10.7%, at or above"
                        + " at 89.3%")),
            RatioVerdict(
                budgetID: "uv-build-faster", service: "analytics", metric: .buildSeconds, numerator: "uv",
                denominator: "pip", limit: 0.4, ratio: nil, outcome: .missing),
            RatioVerdict(
                budgetID: "uv-install", service: "fastapi", metric: .installSeconds, numerator: "uv",
                denominator: "pip", limit: 0.1, ratio: 0.417427, ciLow: 0.382615, ciHigh: 0.462552, outcome: .fail,
                decision: BudgetDecision(
                    outcome: .fail, method: .logRatioBound, level: 0.95, confidence: 0.999999042,
                    passConfidence: 9.57839e-07, failConfidence: 0.999999042, n: 3, bound: 0.452475,
                    boundCoverage: 0.95, trialsNeeded: 3, assumption: "log-normal times (Welch's degrees of freedom)",
                    explanation: "ratio 0.4207 (3 ÷ 3 repeats) against the limit 0.1: below it at 0.0%, at or above"
                        + " at 100.00%")),
        ]
    }

    static let screened = "run-level screen against 10 baseline run(s) (between runs)"
    static let confirmedOrDropped = screened + "; confirmed or dropped by a same-sitting A/B"
    static let exact = "exact: a change beyond ±1 MiB counts"
    static let abNote = "by a same-sitting A/B of the baseline's image against this one"
    /// Each suspected cell's level at a look: 1% family-wise over the 4 cells confirmed, 10% of it spread over the
    /// 11 interim looks of 5 + 5 trials.
    static let lookLevel = 2.27273e-05

    static func finding(
        _ service: String, _ driver: String, _ metric: Metric, baseline: Double, current: Double, ratio: Double,
        interval: (Double, Double)? = nil, p: Double? = nil, n: (Int, Int), change: Change,
        acknowledged: Bool = false, screen: ScreenResult? = nil, confirmation: ConfirmationDecision? = nil,
        method: String, note: String? = nil
    ) -> RegressionFinding {
        var finding = RegressionFinding(
            service: service, driver: driver, metric: metric, baselineMedian: baseline, currentMedian: current,
            ratio: ratio, ratioCILow: interval?.0, ratioCIHigh: interval?.1, pValue: p, change: change,
            acknowledged: acknowledged, baselineN: n.0, currentN: n.1)
        finding.screen = screen
        finding.confirmation = confirmation
        finding.method = method
        finding.minimumDetectableChange = screen.map(\.minimumDetectableChange)
        finding.note = note
        return finding
    }

    static func screen(
        _ finding: ScreenResult.Finding, ratio: Double, se: Double, pWorse: Double, mdc: Double,
        runToRun: Double?, within: Double?
    ) -> ScreenResult {
        ScreenResult(
            finding: finding, ratio: ratio, logDifference: log(ratio), standardError: se, degreesOfFreedom: 9,
            pWorse: pWorse, pBetter: 1 - pWorse, minimumDetectableChange: mdc, noise: .betweenRuns, spreadRuns: 10,
            runToRunSD: runToRun, withinRunSD: within)
    }

    static func confirmation(
        _ verdict: ConfirmationDecision.Verdict, _ reason: ConfirmationDecision.Reason, logRatio: Double, se: Double,
        df: Double, trials: Int, p: Double, look: Int
    ) -> ConfirmationDecision {
        ConfirmationDecision(
            verdict: verdict, reason: reason,
            estimate: LogRatioEstimate(
                logRatio: logRatio, standardError: se, degreesOfFreedom: df, design: .independent,
                numeratorCount: trials, denominatorCount: trials),
            pValue: p, level: lookLevel, look: look, futilityConfidence: 0.99)
    }

    static var regressions: [RegressionFinding] {
        [
            finding(
                "analytics", "uv", .startupSeconds, baseline: 7.9496, current: 7.9, ratio: 1.00102,
                interval: (0.876222, 1.14358), p: 0.493308, n: (30, 3), change: .inconclusive,
                screen: screen(
                    .inconclusive(.tooFewSamples), ratio: 1.00102, se: 0.05886, pWorse: 0.493308, mdc: 0.109594,
                    runToRun: 0.0354528, within: 0.075352),
                method: screened, note: "too few samples"),
            finding(
                "analytics", "uv", .memoryPeakBytes, baseline: 181_976_000, current: 182_000_000, ratio: 0.999988,
                interval: (0.967306, 1.03377), p: 0.50031, n: (30, 3), change: .unchanged,
                screen: screen(
                    .unchanged, ratio: 0.999988, se: 0.0146888, pWorse: 0.50031, mdc: 0.026292, runToRun: 0.0124856,
                    within: 0.0109895),
                method: screened),
            finding(
                "analytics", "uv", .memoryWorkingSetBytes, baseline: 161_976_000, current: 162_000_000,
                ratio: 0.999988, interval: (0.967306, 1.03377), p: 0.50031, n: (30, 3), change: .unchanged,
                screen: screen(
                    .unchanged, ratio: 0.999988, se: 0.0146888, pWorse: 0.50031, mdc: 0.026292, runToRun: 0.0120555,
                    within: 0.0123464),
                method: screened),
            finding(
                "analytics", "uv", .imageBytes, baseline: 310_610_000, current: 310_610_000, ratio: 1, n: (10, 1),
                change: .unchanged, method: exact),
            finding(
                "analytics", "uv", .buildSeconds, baseline: 77.5, current: 77.5, ratio: 0.999988,
                interval: (0.967306, 1.03377), p: 0.50031, n: (10, 1), change: .unchanged,
                screen: screen(
                    .unchanged, ratio: 0.999988, se: 0.0146888, pWorse: 0.50031, mdc: 0.026292, runToRun: 0.0140053,
                    within: nil),
                method: screened),
            finding(
                "fastapi", "pip", .startupSeconds, baseline: 1.49698, current: 1.55, ratio: 1.03499,
                interval: (0.992479, 1.07932), p: 0.0482942, n: (40, 4), change: .unchanged,
                screen: screen(
                    .suspectedRegression, ratio: 1.03499, se: 0.0185395, pWorse: 0.0482942, mdc: 0.0332981,
                    runToRun: 0, within: 0.0353534),
                confirmation: confirmation(
                    .notConfirmed, .futility, logRatio: 0.00902527, se: 0.0249935, df: 7.89314, trials: 5,
                    p: 0.363748, look: 1),
                method: confirmedOrDropped,
                note: "not confirmed (futility) \(abNote): B/A 1.009× [0.825×, 1.085×], 5 + 5 trials"),
            finding(
                "fastapi", "pip", .memoryPeakBytes, baseline: 164_051_575, current: 208_000_000, ratio: 1.26999,
                interval: (1.22848, 1.31289), p: 2.7775e-08, n: (40, 4), change: .regression,
                screen: screen(
                    .suspectedRegression, ratio: 1.26999, se: 0.0146888, pWorse: 2.7775e-08, mdc: 0.026292,
                    runToRun: 0.0113776, within: 0.0163338),
                confirmation: confirmation(
                    .confirmed, .efficacy, logRatio: 0.236868, se: 0.00498513, df: 7.89728, trials: 5,
                    p: 2.71956e-11, look: 1),
                method: confirmedOrDropped, note: "confirmed \(abNote): B/A 1.267× [1.218×, 1.286×], 5 + 5 trials"),
            finding(
                "fastapi", "pip", .memoryWorkingSetBytes, baseline: 144_900_000, current: 188_000_000, ratio: 1.29998,
                interval: (1.2575, 1.34391), p: 1.22834e-08, n: (40, 4), change: .regression,
                screen: screen(
                    .suspectedRegression, ratio: 1.29998, se: 0.0146888, pWorse: 1.22834e-08, mdc: 0.026292,
                    runToRun: 0.0107048, within: 0.0180614),
                confirmation: confirmation(
                    .confirmed, .efficacy, logRatio: 0.265825, se: 0.00498513, df: 7.89728, trials: 5,
                    p: 1.09657e-11, look: 1),
                method: confirmedOrDropped, note: "confirmed \(abNote): B/A 1.305× [1.253×, 1.324×], 5 + 5 trials"),
            finding(
                "fastapi", "pip", .imageBytes, baseline: 430_000_000, current: 453_610_000, ratio: 1.05491, n: (10, 1),
                change: .regression, method: exact),
            finding(
                "fastapi", "pip", .buildSeconds, baseline: 92.243, current: 98.7, ratio: 1.06999,
                interval: (1.00996, 1.13358), p: 0.0132266, n: (30, 3), change: .unchanged,
                screen: screen(
                    .suspectedRegression, ratio: 1.06999, se: 0.025522, pWorse: 0.0132266, mdc: 0.0461246,
                    runToRun: 0, within: 0.0421482),
                method: screened,
                note: "suspected by the screen, not significant at 1% family-wise (build times cannot be confirmed)"),
            finding(
                "fastapi", "uv", .startupSeconds, baseline: 1.05085, current: 1.24, ratio: 1.17999,
                interval: (1.06177, 1.31136), p: 0.00312443, n: (50, 5), change: .regression, acknowledged: true,
                screen: screen(
                    .suspectedRegression, ratio: 1.17999, se: 0.0466649, pWorse: 0.00312443, mdc: 0.085942,
                    runToRun: 0, within: 0.0994898),
                confirmation: confirmation(
                    .confirmed, .efficacy, logRatio: 0.162189, se: 0.0200134, df: 17.6876, trials: 10,
                    p: 1.1545e-07, look: 2),
                method: confirmedOrDropped, note: "confirmed \(abNote): B/A 1.176× [1.056×, 1.238×], 10 + 10 trials"),
            finding(
                "fastapi", "uv", .memoryPeakBytes, baseline: 183_916_000, current: 184_000_000, ratio: 0.999988,
                interval: (0.967306, 1.03377), p: 0.50031, n: (50, 5), change: .unchanged,
                screen: screen(
                    .unchanged, ratio: 0.999988, se: 0.0146888, pWorse: 0.50031, mdc: 0.026292, runToRun: 0.0117071,
                    within: 0.0171889),
                method: screened),
            finding(
                "fastapi", "uv", .memoryWorkingSetBytes, baseline: 163_976_000, current: 164_000_000,
                ratio: 0.999988, interval: (0.967306, 1.03377), p: 0.50031, n: (50, 5), change: .unchanged,
                screen: screen(
                    .unchanged, ratio: 0.999988, se: 0.0146888, pWorse: 0.50031, mdc: 0.026292, runToRun: 0.0110344,
                    within: 0.0192859),
                method: screened),
            finding(
                "fastapi", "uv", .imageBytes, baseline: 310_610_000, current: 310_610_000, ratio: 1, n: (10, 1),
                change: .unchanged, method: exact),
            finding(
                "fastapi", "uv", .buildSeconds, baseline: 52.175, current: 41.2, ratio: 0.793641,
                interval: (0.749747, 0.840106), p: 0.999996, n: (30, 3), change: .improvement,
                screen: screen(
                    .improvement, ratio: 0.793641, se: 0.0251511, pWorse: 0.999996, mdc: 0.0454393, runToRun: 0,
                    within: 0.0415357),
                method: screened),
        ]
    }

    /// `ab` of two Dockerfiles of fastapi, as `RegressionGate.sameSitting` judges it (10 + 10 interleaved trials,
    /// 1% family-wise over the 2 sampled metrics, each tested at the last look's 90% of its share).
    static var abComparison: ComparisonReport {
        let method = "same-sitting comparison, 10 + 10 trials, t on logs at 0.5% (1% over 2 metrics)"
        func tested(
            _ metric: Metric, _ a: Double, _ b: Double, ratio: Double, bounds: (Double, Double), change: Change,
            _ decision: ConfirmationDecision
        ) -> RegressionFinding {
            var finding = RegressionFinding(
                service: "fastapi", driver: "b vs a", metric: metric, baselineMedian: a, currentMedian: b,
                ratio: ratio, ratioCILow: bounds.0, ratioCIHigh: bounds.1, pValue: decision.pValue, change: change,
                baselineN: 10, currentN: 10)
            finding.confirmation = decision
            finding.method = method
            return finding
        }
        func decision(
            _ verdict: ConfirmationDecision.Verdict, _ reason: ConfirmationDecision.Reason, logRatio: Double,
            se: Double, df: Double, p: Double
        ) -> ConfirmationDecision {
            ConfirmationDecision(
                verdict: verdict, reason: reason,
                estimate: LogRatioEstimate(
                    logRatio: logRatio, standardError: se, degreesOfFreedom: df, design: .independent,
                    numeratorCount: 10, denominatorCount: 10),
                pValue: p, level: 0.0045, look: 12, futilityConfidence: 0.99)
        }
        var image = RegressionFinding(
            service: "fastapi", driver: "b vs a", metric: .imageBytes, baselineMedian: 310_610_000,
            currentMedian: 312_000_000, ratio: 1.00448, change: .regression, baselineN: 1, currentN: 1)
        image.method = exact
        return ComparisonReport(
            schema: ComparisonReport.abSchema, baseline: .init(name: "A", source: "Dockerfile.uv", runID: runID),
            current: .init(name: "B", source: "Dockerfile.uv-slim", runID: runID),
            findings: [
                tested(
                    .startupSeconds, 1.06219, 1.24632, ratio: 1.17335, bounds: (1.10903, 1.23783), change: .regression,
                    decision(.confirmed, .efficacy, logRatio: 0.162189, se: 0.0200134, df: 17.6876, p: 1.1545e-07)),
                tested(
                    .memoryPeakBytes, 164_317_259, 165_140_197, ratio: 1.00501, bounds: (0.995672, 1.01403),
                    change: .unchanged,
                    decision(.notConfirmed, .finalLook, logRatio: 0.00542315, se: 0.0033273, df: 17.6832, p: 0.0604032)),
                image,
            ])
    }

    /// A tiny fixed SVG standing in for a rendered chart, so the HTML golden file does not depend on gnuplot.
    static let plotSVG =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">"
        + "<rect width=\"40\" height=\"20\" fill=\"#1f77b4\"/></svg>"

    static var plots: [ReportPlot] {
        [
            ReportPlot(
                kind: .trend, title: "startup_seconds of fastapi/uv over 6 runs",
                link: "plots/trend-fastapi-uv-startup.png", image: .svg(plotSVG)),
            ReportPlot(
                kind: .driverComparison, title: "fastapi: uv vs pip", link: "plots/compare fastapi.png",
                image: .png(Data([0x89, 0x50, 0x4E, 0x47]))),
            ReportPlot(kind: .imageLayers, title: "image layers of fastapi", link: "plots/layers-fastapi.png"),
        ]
    }

    /// The formats of one image (CycloneDX) are about fastapi/uv; the others ignore the selection.
    static var input: ReportInput {
        ReportInput(
            record: record, evaluation: evaluation, strict: false, plots: plots,
            image: ReportInput.ImageSelection(service: "fastapi", driver: "uv"))
    }

    /// What fastapi/uv has installed: a few distributions (one name with characters purl encodes, one in two
    /// places), Debian packages, the system.
    static let inventory = ImageInventory(
        python: [
            .init(
                name: "fastapi", version: "0.115.6", bytes: 1_204_000,
                location: "/opt/venv/lib/python3.12/site-packages"),
            .init(
                name: "Typing_Extensions", version: "4.12.2", bytes: 145_000,
                location: "/opt/venv/lib/python3.12/site-packages"),
            .init(
                name: "pip", version: "24.3.1", bytes: 12_700_000, location: "/usr/local/lib/python3.12/site-packages"),
            .init(
                name: "pip", version: "24.3.1", bytes: 12_700_000, location: "/opt/venv/lib/python3.12/site-packages"),
            .init(
                name: "torch", version: "2.5.1+cpu", bytes: 700_000_000,
                location: "/opt/venv/lib/python3.12/site-packages"),
        ],
        debian: [
            .init(name: "libc6", version: "2.36-9+deb12u9", bytes: 12_988_416, architecture: "amd64"),
            .init(name: "tzdata", version: "2024b-0+deb12u1", bytes: 2_841_600, architecture: "all"),
            .init(name: "bash", version: "5.2.15-2+b7", bytes: 7_554_048),
        ],
        operatingSystem: .init(
            id: "debian", versionID: "12", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)"))

    static var trendSeries: TrendSeries {
        let medians = [1.02, 1.07, 1.04, 1.06, 1.22, 1.24]
        return TrendSeries(
            service: "fastapi", driver: "uv", metric: .startupSeconds,
            points: medians.enumerated().map { index, median in
                TrendSeries.Point(
                    runID: "run-\(index)", date: start.addingTimeInterval(Double(index - 5) * 86_400), median: median,
                    samples: [median - 0.05, median, median + 0.04, median + 0.09])
            },
            budget: 1.5, noiseBand: 0.98...1.12, changePoints: [4])
    }
}
