import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Synchronization
import Testing

/// What a user's own Dockerfile run gets: names, targets, policy levels, an `ab` that stops when a side does not
/// build, an ETA from what was measured, and a taken port named.
@Suite("Session inputs and output (in-memory engine)")
struct SessionInputsTests {
    @Test(
        "ad-hoc runs are named from the Dockerfile, so different projects are different services",
        arguments: [
            ("/src/Shop API/Dockerfile", "shop-api", "dockerfile"),
            ("/src/fastapi-uv-example/Dockerfile.uv", "fastapi-uv-example", "uv"),
            ("/work/app/prod.Dockerfile", "app", "prod"),
            ("/x/---/Dockerfile", "service", "dockerfile"),
        ])
    func adHocNames(path: String, service: String, driver: String) {
        let url = URL(fileURLWithPath: path)
        #expect(AdHocSuite.serviceName(for: url) == service)
        #expect(AdHocSuite.driverName(for: url) == driver)
    }

    @Test("policy levels: off drops a check, warn reports it without failing the run, error fails it")
    func policyLevels() throws {
        let record = RunRecord(id: "r", startedAt: Date(), status: .completed, suite: "s", environment: .init())
        let findings = [
            PolicyFinding(service: "s", driver: "d", check: "non-root", outcome: .fail, detail: "root"),
            PolicyFinding(service: "s", driver: "d", check: "healthcheck", outcome: .fail, detail: "none"),
            PolicyFinding(service: "s", driver: "d", check: "no-secrets", outcome: .pass, detail: "ok"),
        ]
        var targets = Targets(source: "t")
        let defaults = RunAnalysis().evaluate(record, targets: targets, policy: findings, baseline: nil)
        #expect(defaults.policy.map(\.level) == [.warn, .warn, .error], "the defaults say so")
        #expect(ExitStatus.verdict(status: .completed, evaluation: defaults, strict: false) == .pass)
        #expect(defaults.policy.map(\.displayOutcome) == ["warn", "warn", "pass"])

        targets.policy.levels = ["non-root": .error, "healthcheck": .off]
        let strict = RunAnalysis().evaluate(record, targets: targets, policy: findings, baseline: nil)
        #expect(strict.policy.map(\.check) == ["non-root", "no-secrets"])
        #expect(ExitStatus.verdict(status: .completed, evaluation: strict, strict: false) == .budgetBreached)

        let parsed = try TargetsLoader.parse("policy:\n  non-root: off\n  no-secrets: warn\n", file: "t.yaml")
        #expect(parsed.policy.level(of: "non-root") == .off && parsed.policy.level(of: "no-secrets") == .warn)
        #expect(parsed.policy.level(of: "healthcheck") == .warn)
        #expect(throws: ConfigError.self) { try TargetsLoader.parse("policy:\n  non-root: maybe\n", file: "t.yaml") }
        #expect(throws: ConfigError.self) { try TargetsLoader.parse("policy:\n  root: off\n", file: "t.yaml") }
        #expect(throws: ConfigError.self) { try PolicySettings.entry(fromFlag: "non-root=loud") }
    }

    @Test("a finding stored before policy levels existed loads at level error")
    func oldFindingsDecode() throws {
        let json = #"{"service":"s","driver":"d","check":"non-root","outcome":"fail","detail":"root"}"#
        let finding = try JSONDecoder().decode(PolicyFinding.self, from: Data(json.utf8))
        #expect(finding.level == .error && finding.failsRun)
    }

    @Test("the built-in targets are the seed's budgets")
    func builtInTargets() {
        let budgets = Dictionary(uniqueKeysWithValues: Targets.builtIn.budgets.map { ($0.id, $0) })
        #expect(budgets["startup"]?.max == 8 && budgets["startup"]?.statistic == .p95)
        #expect(budgets["image-size"]?.max == 450_000_000)
        #expect(budgets["memory"]?.max == 1_500_000_000)
        #expect(Targets.builtIn.ratios.first?.max == 0.4)
    }

    @Test("ab: when one variant does not build, no trial runs and the verdict is an infrastructure error")
    func abStopsWhenASideFails() async throws {
        let rig = SessionRig.inMemory { request, _ in
            request.driver.name == "b" ? .init(failure: "ERROR: failed to solve: B is broken") : .init()
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dockerfile = try directory.write("Dockerfile", "FROM python:3.12-slim-bookworm\nCMD [\"serve\"]\n")
        let request = try ABRequest(
            a: try ABVariant(dockerfile: dockerfile), b: try ABVariant(dockerfile: dockerfile), name: "svc", port: 8080,
            baseImages: BaseImageMap(images: ["python:3.12-slim-bookworm": "containerbench-test/python:base"]))
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let result = try await ABRunner(session: rig.session(store: store)).run(request)
        #expect(result.record.status == .failed)
        #expect(result.record.trials.isEmpty, "A alone is not measured")
        #expect(rig.inMemory?.createdImages.isEmpty == true)
        #expect(result.report.exitStatus == .infrastructureError)
        #expect(result.report.renderTable().contains("verdict: infrastructure error (exit 4)"))
        #expect(result.record.errors.contains { $0.contains("B is broken") })
    }

    @Test("a port held by a containerbench container is named with the container, its run and whether it lives")
    func portHeldByContainerbench() async throws {
        let rig = SessionRig.inMemory()
        let engine = try #require(rig.inMemory)
        engine.addImage("leftover:1")
        let spec = ContainerSpec(
            image: "leftover:1",
            labels: [
                ContainerLabels.managed: "1", ContainerLabels.run: "20260101T000000Z-0ld00run",
                ContainerLabels.pid: String(ProcessInfo.processInfo.processIdentifier),
                ContainerLabels.service: "old", ContainerLabels.port: "8080",
            ])
        let id = try await engine.createContainer(spec)
        try await engine.startContainer(id)
        let record = await rig.session(store: try RunSessionTests.store()).measure(rig.plan(trials: 1)).record
        let failure = try #require(record.trials.first?.failure)
        #expect(failure.kind == .portInUse)
        #expect(failure.message.contains("containerbench container \(id.prefix(12))"), "\(failure.message)")
        #expect(failure.message.contains("run 20260101T000000Z-0ld00run") && failure.message.contains("still running"))
    }

    @Test("the ETA comes from what the run measured: within 25% once every kind of step was seen once")
    func etaFromMeasuredSteps() async throws {
        // Cold builds: uv 20 s, pip 60 s; trials: uv ready after 0.3 s, pip after 1.5 s, 2 s memory window.
        let rig = SessionRig.inMemory { request, _ in
            let uv = request.driver.name == "uv"
            return .init(
                seconds: uv ? 20 : 60,
                script: ContainerScript(listenAfter: 0.1, readyAfter: uv ? 0.3 : 1.5, healthyAfter: 1))
        }
        var plan = rig.plan(trials: 6)
        plan.suite.services[0].memoryWindow = 2
        let clock = try #require(rig.instruments.clock as? VirtualClock)
        let seen = Mutex<[(time: Double, event: ProgressEvent)]>([])
        let session = rig.session(store: try RunSessionTests.store()) { event in
            seen.withLock { $0.append((clock.now(), event)) }
        }
        _ = await session.measure(plan)
        let events = seen.withLock { $0 }
        let end = try #require(events.last?.time)
        let steps = events.filter { $0.event.stage == .trial || $0.event.stage == .build }
        // From the third trial on (both services' trials seen), the estimate is within 25% of the truth.
        let firstTrial = try #require(steps.firstIndex { $0.event.stage == .trial })
        for (time, event) in steps[(firstTrial + 2)...] {
            let actual = end - time
            let estimate = try #require(event.remainingSeconds)
            #expect(abs(estimate - actual) <= 0.25 * actual + 0.5, "at \(event.message): \(estimate) vs \(actual)")
        }
        // During the builds it neither guesses before a build finished nor stays silent after.
        let builds = steps.filter { $0.event.stage == .build }
        #expect(builds.first?.event.remainingSeconds == nil)
        #expect(builds.dropFirst().allSatisfy { $0.event.remainingSeconds != nil })
    }
}
