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
                build("fastapi", "uv", .cold, 41.2), build("fastapi", "uv", .warm, 3.1),
                build("fastapi", "uv", .codeChange, 5.4), build("fastapi", "pip", .cold, 98.7),
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

    static var evaluation: Evaluation {
        Evaluation(
            runID: runID,
            budgets: [
                BudgetVerdict(
                    budgetID: "startup", service: "fastapi", driver: "uv", metric: .startupSeconds, statistic: .median,
                    limit: 8, observed: 1.24, ciLow: 1.12, ciHigh: 1.31, n: 5, outcome: .pass, margin: 0.845),
                BudgetVerdict(
                    budgetID: "startup", service: "fastapi", driver: "pip", metric: .startupSeconds,
                    statistic: .median, limit: 8, observed: 1.55, ciLow: 1.49, ciHigh: 1.61, n: 4, outcome: .pass,
                    margin: 0.806),
                BudgetVerdict(
                    budgetID: "startup", service: "analytics", driver: "uv", metric: .startupSeconds,
                    statistic: .median, limit: 8, observed: 7.9, ciLow: 7.4, ciHigh: 8.6, n: 3,
                    outcome: .inconclusive, margin: 0.0125),
                BudgetVerdict(
                    budgetID: "startup", service: "analytics", driver: "pip", metric: .startupSeconds,
                    statistic: .median, limit: 8, observed: nil, n: 0, outcome: .missing),
                BudgetVerdict(
                    budgetID: "image-size", service: "fastapi", driver: "uv", metric: .imageBytes, statistic: .value,
                    limit: 450_000_000, observed: 310_610_000, n: 1, outcome: .pass, margin: 0.3097),
                BudgetVerdict(
                    budgetID: "image-size", service: "fastapi", driver: "pip", metric: .imageBytes, statistic: .value,
                    limit: 450_000_000, observed: 453_610_000, n: 1, outcome: .fail, margin: -0.008),
                BudgetVerdict(
                    budgetID: "memory", service: "fastapi", driver: "uv", metric: .memoryPeakBytes, statistic: .max,
                    limit: 1_500_000_000, observed: 188_000_000, n: 5, outcome: .pass, margin: 0.8747),
            ],
            ratios: [
                RatioVerdict(
                    budgetID: "uv-build-faster", service: "fastapi", metric: .buildSeconds, numerator: "uv",
                    denominator: "pip", limit: 0.4, ratio: 0.417, ciLow: 0.39, ciHigh: 0.44, outcome: .inconclusive),
                RatioVerdict(
                    budgetID: "uv-build-faster", service: "analytics", metric: .buildSeconds, numerator: "uv",
                    denominator: "pip", limit: 0.4, ratio: nil, outcome: .missing),
            ],
            regressions: [
                RegressionFinding(
                    service: "fastapi", driver: "uv", metric: .startupSeconds, baselineMedian: 1.05,
                    currentMedian: 1.24, ratio: 1.181, ratioCILow: 1.08, ratioCIHigh: 1.29, pValue: 0.004,
                    adjustedPValue: 0.012, change: .regression, acknowledged: true, baselineN: 5, currentN: 5),
                RegressionFinding(
                    service: "fastapi", driver: "pip", metric: .memoryPeakBytes, baselineMedian: 164_000_000,
                    currentMedian: 209_000_000, ratio: 1.274, ratioCILow: 1.2, ratioCIHigh: 1.35, pValue: 0.0004,
                    adjustedPValue: 0.0016, change: .regression, baselineN: 5, currentN: 4),
                RegressionFinding(
                    service: "fastapi", driver: "uv", metric: .buildSeconds, baselineMedian: 52.0, currentMedian: 41.2,
                    ratio: 0.792, pValue: 0.03, adjustedPValue: 0.045, change: .improvement, baselineN: 3,
                    currentN: 1),
                RegressionFinding(
                    service: "fastapi", driver: "pip", metric: .startupSeconds, baselineMedian: 1.53,
                    currentMedian: 1.55, ratio: 1.013, ratioCILow: 0.97, ratioCIHigh: 1.06, pValue: 0.61,
                    adjustedPValue: 0.61, change: .unchanged, baselineN: 5, currentN: 4),
                RegressionFinding(
                    service: "analytics", driver: "uv", metric: .startupSeconds, baselineMedian: 7.7,
                    currentMedian: 7.9, ratio: 1.026, change: .inconclusive, baselineN: 2, currentN: 3),
            ],
            baselineDescription: "baseline nightly-2026-11-20",
            policy: [
                PolicyFinding(
                    service: "fastapi", driver: "uv", check: "non-root", outcome: .pass, detail: "runs as user app"),
                PolicyFinding(
                    service: "fastapi", driver: "pip", check: "healthcheck", outcome: .fail,
                    detail: "the image declares no HEALTHCHECK; add one so `docker ps` shows health"),
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
