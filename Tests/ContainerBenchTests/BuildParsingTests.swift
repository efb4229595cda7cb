import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@Suite("Dockerfiles and build logs")
struct BuildParsingTests {
    static let dockerfile = """
        ARG PYTHON_IMAGE=python:3.12-slim-bookworm
        ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9
        FROM ${UV_IMAGE} AS uv
        FROM ${PYTHON_IMAGE} AS builder
        COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/
        FROM python:3.12-slim-bookworm
        COPY --from=builder /opt/venv /opt/venv
        """

    @Test func rewritesMappedImagesOnly() throws {
        let dockerfile = try Dockerfile.parse(Self.dockerfile, file: "Dockerfile")
        let (text, replacements) = try dockerfile.rewrite(map: [
            "python:3.12-slim-bookworm": "containerbench/python:3.11-bookworm",
            "ghcr.io/astral-sh/uv:0.13.9": "containerbench/uv:0.13.9",
        ])
        // Each site that names a mapped image gets the stand-in, ARG defaults included (through the FROM using them).
        #expect(text.contains("FROM containerbench/uv:0.13.9 AS uv"))
        #expect(text.contains("FROM containerbench/python:3.11-bookworm AS builder"))
        #expect(text.contains("COPY --from=containerbench/uv:0.13.9 /uv /bin/"))
        #expect(text.contains("FROM containerbench/python:3.11-bookworm\n"))
        #expect(text.contains("COPY --from=builder /opt/venv"), "stage references are not images")
        #expect(text.contains("ARG PYTHON_IMAGE=python:3.12-slim-bookworm"), "the ARG line itself is kept")
        #expect(replacements.count == 4)
    }

    @Test func referencedImagesSkipStages() throws {
        let images = try Dockerfile.parse(Self.dockerfile, file: "Dockerfile").baseReferences().map(\.name)
        #expect(images.contains("python:3.12-slim-bookworm"))
        #expect(images.contains("ghcr.io/astral-sh/uv:0.13.9"))
        #expect(!images.contains("builder"))
    }

    @Test func parsesBuildKitPlainProgress() {
        let log = """
            #1 [internal] load build definition from Dockerfile.uv
            #1 DONE 0.0s
            #5 [builder 3/6] RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-install-project
            #5 0.512 Resolved 3 packages
            #5 DONE 4.2s
            #6 [builder 4/6] COPY app.py /app/
            #6 CACHED
            #7 [stage-1 2/3] RUN useradd -u 10001 app
            #7 DONE 0.3s
            """
        let steps = BuildLogParser.steps(log)
        #expect(steps.map(\.name).count == 3)
        #expect(steps[0].seconds == 4.2 && steps[0].isDependencyInstall)
        #expect(steps[1].cached && !steps[1].isDependencyInstall)
        let build = BuildRecord(
            service: "s", driver: "uv", scenario: .cold, seconds: 9, succeeded: true, steps: steps)
        #expect(build.installSeconds == 4.2)
    }

    @Test func fairnessLintFindsUnfairPairs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let uv = try directory.write(
            "Dockerfile.uv", "FROM x\nENV UV_COMPILE_BYTECODE=1\nRUN uv sync --locked\nCMD [\"fastapi\", \"dev\"]\n")
        let pip = try directory.write(
            "Dockerfile.pip",
            "# no --no-cache-dir here\nFROM x\nRUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir "
                + "--no-compile -r r.txt\nCMD [\"uvicorn\", \"app:app\", \"--reload\"]\n")
        let service = ServiceSpec(
            name: "svc", context: directory.path,
            drivers: [DriverSpec(name: "uv", dockerfile: uv), DriverSpec(name: "pip", dockerfile: pip)], port: 1,
            health: HealthSpec(path: "/"))
        let warnings = FairnessLint.check(service: service)
        #expect(warnings.contains { $0.contains("Dockerfile.pip):3: --no-cache-dir cancels") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("svc/pip") && $0.contains("development server (uvicorn --reload)") })
        #expect(warnings.contains { $0.contains("svc/uv") && $0.contains("development server (fastapi dev)") })
        #expect(warnings.contains { $0.contains("compiled at build time by uv but not by pip") }, "\(warnings)")
    }

    @Test("pip compiles bytecode by default: a plain pip install is as compiled as uv with UV_COMPILE_BYTECODE=1")
    func pipCompilesByDefault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let uv = try directory.write("Dockerfile.uv", "FROM x\nENV UV_COMPILE_BYTECODE=1\nRUN uv sync --locked\n")
        let pip = try directory.write("Dockerfile.pip", "FROM x\nRUN pip install -r requirements.txt\n")
        let uvPlain = try directory.write("Dockerfile.uvplain", "FROM x\nRUN uv sync --locked\n")
        func service(_ drivers: [(String, String)]) -> ServiceSpec {
            ServiceSpec(
                name: "svc", context: directory.path, drivers: drivers.map { DriverSpec(name: $0.0, dockerfile: $0.1) },
                port: 1, health: HealthSpec(path: "/"))
        }
        #expect(!FairnessLint.check(service: service([("uv", uv), ("pip", pip)])).contains { $0.contains("bytecode") })
        let unfair = FairnessLint.check(service: service([("uv", uvPlain), ("pip", pip)]))
        #expect(unfair.contains { $0.contains("compiled at build time by pip but not by uv") }, "\(unfair)")
    }

    @Test func repositoryPairsAreFair() throws {
        let suite = try SuiteLoader.load(path: Binary.packageRoot.appendingPathComponent("benchmarks/suite.yaml").path)
        for service in suite.services {
            #expect(
                FairnessLint.check(service: service).isEmpty, "\(service.name): \(FairnessLint.check(service: service))"
            )
        }
    }
}

@Suite("Verdicts and policy")
struct VerdictContractTests {
    static func evaluation(_ budget: Outcome, regression: Change = .unchanged, acknowledged: Bool = false) -> Evaluation
    {
        Evaluation(
            runID: "r",
            budgets: [
                BudgetVerdict(
                    budgetID: "b", service: "s", driver: "d", metric: .startupSeconds, statistic: .p95, limit: 8,
                    observed: 1, n: 5, outcome: budget)
            ],
            regressions: [
                RegressionFinding(
                    service: "s", driver: "d", metric: .startupSeconds, baselineMedian: 1, currentMedian: 2, ratio: 2,
                    change: regression, acknowledged: acknowledged, baselineN: 5, currentN: 5)
            ])
    }

    @Test func exitCodesFollowTheContract() {
        #expect(ExitStatus.verdict(status: .completed, evaluation: Self.evaluation(.pass), strict: false) == .pass)
        #expect(
            ExitStatus.verdict(status: .completed, evaluation: Self.evaluation(.fail), strict: false) == .budgetBreached
        )
        #expect(
            ExitStatus.verdict(
                status: .completed, evaluation: Self.evaluation(.pass, regression: .regression), strict: false)
                == .regression)
        #expect(
            ExitStatus.verdict(
                status: .completed, evaluation: Self.evaluation(.pass, regression: .regression, acknowledged: true),
                strict: false) == .pass)
        #expect(
            ExitStatus.verdict(status: .completed, evaluation: Self.evaluation(.inconclusive), strict: false) == .pass)
        #expect(
            ExitStatus.verdict(status: .completed, evaluation: Self.evaluation(.inconclusive), strict: true)
                == .inconclusive)
        #expect(
            ExitStatus.verdict(status: .failed, evaluation: Self.evaluation(.pass), strict: false)
                == .infrastructureError)
        #expect(
            ExitStatus.verdict(status: .interrupted, evaluation: Self.evaluation(.fail), strict: false) == .interrupted)
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 64, 130])
    }

    @Test func policyFlagsRootNoHealthcheckAndSecrets() throws {
        let json = """
            {"Id": "sha256:1", "Size": 10, "Config": {"User": "", "Env": ["PATH=/bin", "API_TOKEN=x"]}}
            """
        let inspect = try JSONDecoder().decode(ImageInspect.self, from: Data(json.utf8))
        let findings = ImagePolicy.check(
            service: "s", driver: "d", configuration: inspect.configuration, buildArgs: ["DB_PASSWORD": "p"])
        #expect(findings.map(\.outcome) == [.fail, .fail, .fail])
        #expect(findings[2].detail.contains("API_TOKEN") && findings[2].detail.contains("DB_PASSWORD"))
        #expect(!findings[2].detail.contains("=x"), "secret values are never recorded")
        let good = """
            {"Id": "sha256:2", "Size": 10, "Config": {"User": "10001", "Env": ["PATH=/bin"],
             "Healthcheck": {"Test": ["CMD", "python3", "-c", "pass"]}}}
            """
        let fine = ImagePolicy.check(
            service: "s", driver: "d",
            configuration: try JSONDecoder().decode(ImageInspect.self, from: Data(good.utf8)).configuration,
            buildArgs: [:])
        #expect(fine.map(\.outcome) == [.pass, .pass, .pass])
    }

    @Test func baselineSelectionParses() {
        #expect(BaselineSelection(parsing: "none") == .none)
        #expect(BaselineSelection(parsing: "last") == .lastGood(10))
        #expect(BaselineSelection(parsing: "last:3") == .lastGood(3))
        #expect(BaselineSelection(parsing: "run:abc") == .run("abc"))
        #expect(BaselineSelection(parsing: "nightly") == .named("nightly"))
    }
}
