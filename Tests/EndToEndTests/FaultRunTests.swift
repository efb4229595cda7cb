import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Faults provoked against the built binary on the shared engine: each checks the exit code, what the history
/// holds afterwards and that no container is left. Ports 18200-18249, the private lock /tmp/hostile.lock.
@Suite("Faults: run", .serialized)
struct FaultRunTests {
    static let managed = "\(ContainerLabels.managed)=1"

    /// No engine answers on DOCKER_HOST: exit 4 naming the socket, and no run in the history.
    @Test func engineNotRunningIsAnInfrastructureError() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let context = try fixture.fixtureContext("fix", port: 18200)
        try fixture.writeSuite([FaultFixture.service("hostile-noengine", context: context, port: 18200)])
        let socket = fixture.directory.path + "/nobody.sock"
        let result = try await fixture.run(environment: ["DOCKER_HOST": "unix://\(socket)"])
        #expect(result.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(result.error.contains("no container engine answers on \(socket)"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: fixture.history), "no history file is even created")
    }

    /// Bad input through the binary: exit 64, and stderr names file, line and field and says what is valid.
    @Test(arguments: [
        ("services:\n  - name: [unclosed\n", "suite.yaml:3", "not valid YAML"),
        ("version: 1\nservises: []\n", "suite.yaml:2: servises", "valid keys here"),
        ("version: 1\nservices: 3\n", "suite.yaml:2: services", "expected a list"),
        ("version: 1\ndefaults: {trials: 0}\nservices: []\n", "suite.yaml:2: defaults.trials", "1"),
        ("version: 1\ndefaults: {ready_timeout: 0}\nservices: []\n", "suite.yaml:2: defaults.ready_timeout", "0.1"),
        ("", "suite.yaml", "empty"),
    ])
    func badSuitesAreUsageErrors(text: String, location: String, hint: String) async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        try fixture.directory.write("suite.yaml", text)
        let result = try await fixture.run()
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(result.error)")
        #expect(result.error.contains(fixture.suitePath.replacingOccurrences(of: "suite.yaml", with: location)))
        #expect(result.error.contains(hint), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: fixture.history), "nothing is written on bad input")
    }

    /// Service-level bad input: an invalid health path, a missing Dockerfile, a negative trial count.
    @Test(arguments: [
        ("health: {path: /health, status: 200}", "health: {path: health}", ":9: services[0].health.path"),
        ("pip: {dockerfile: Dockerfile.pip}", "pip: {dockerfile: Nope}", ":11: services[0].drivers.pip.dockerfile"),
        ("trials: 2", "trials: -2", ":12: services[0].trials"),
        ("ready_timeout: 20.0", "ready_timeout: 0", ":13: services[0].ready_timeout"),
    ])
    func badServicesAreUsageErrors(original: String, replacement: String, location: String) async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let context = try fixture.fixtureContext("fix", port: 18200)
        let path = try fixture.writeSuite([FaultFixture.service("hostile-bad", context: context, port: 18200)])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(original))
        try text.replacingOccurrences(of: original, with: replacement).write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try await fixture.run()
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(result.error)")
        #expect(result.error.contains(path + location), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: fixture.history))
    }

    /// A failing RUN: the log tail is in the stored run's errors and in the reports, the fixture next to it is
    /// still measured, exit 4.
    @Test func buildFailureKeepsTheOtherServicesGoing() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let good = try fixture.fixtureContext("fix", port: 18201)
        let broken = try fixture.dockerfileContext(
            "broken", "FROM containerbench/python:3.11-bookworm\nRUN echo HOSTILE_BUILD_BREAKS_HERE && exit 7\n")
        try fixture.writeSuite([
            FaultFixture.service("hostile-broken", context: broken, port: 18202),
            FaultFixture.service("hostile-buildok", context: good, port: 18201),
        ])
        defer { Task { await FaultFixture.removeImages(services: ["hostile-buildok"]) } }
        let result = try await fixture.run()
        #expect(result.exitCode == ExitStatus.infrastructureError.rawValue, "\(result.output)\n\(result.error)")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .failed)
        #expect(run.errors.contains { $0.contains("hostile-broken/pip") && $0.contains("HOSTILE_BUILD_BREAKS_HERE") })
        #expect(run.builds.first { $0.service == "hostile-broken" }?.succeeded == false)
        let measured = run.trials.filter { $0.service == "hostile-buildok" }
        #expect(measured.count == 2 && measured.allSatisfy { $0.succeeded }, "\(measured.map(\.failure))")
        for report in ["report.md", "report.json"] {
            let text = try String(contentsOfFile: "\(fixture.results)/\(run.id)/\(report)", encoding: .utf8)
            #expect(text.contains("HOSTILE_BUILD_BREAKS_HERE"), "\(report) shows the build log tail")
        }
        #expect(try await FaultFixture.containers(label: "\(ContainerLabels.run)=\(run.id)").isEmpty)
    }

    /// Containers that die before ready, never get ready, turn unhealthy after ready, and a port held by another
    /// process: every trial fails with its reason (and log tail), no container is left, exit 4.
    @Test func failingContainersAreFailedTrialsAndLeaveNothing() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let impostor = try LocalHTTPServer()
        defer { impostor.stop() }
        let services: [(String, Int, [String: String], Double, Double)] = [
            ("hostile-exits", 18203, ["FIXTURE_EXIT_BEFORE_READY": "3"], 20, 0),
            ("hostile-never", 18204, ["FIXTURE_NEVER_READY": "1"], 2, 0),
            ("hostile-unhealthy", 18205, ["FIXTURE_UNHEALTHY_AFTER": "0.3"], 20, 5),
            ("hostile-port", impostor.port, [:], 20, 0),
        ]
        var entries: [String] = []
        for (name, port, environment, timeout, window) in services {
            let context = try fixture.fixtureContext(name, port: port)
            entries.append(
                FaultFixture.service(
                    name, context: context, port: port, trials: 1, readyTimeout: timeout, memoryWindow: window,
                    environment: environment))
        }
        try fixture.writeSuite(entries)
        defer { Task { await FaultFixture.removeImages(services: services.map(\.0)) } }
        // A 100 ms HEALTHCHECK interval, so that "unhealthy" arrives within the 5 s window.
        let result = try await fixture.run(["--health-interval", "100ms"])
        #expect(result.exitCode == ExitStatus.infrastructureError.rawValue, "\(result.output)\n\(result.error)")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .failed)
        #expect(run.builds.allSatisfy { $0.succeeded }, "\(run.errors)")
        func failure(_ service: String) -> String {
            run.trials.first { $0.service == service }?.failure?.description ?? "(no trial)"
        }
        func kind(_ service: String) -> (TrialFailure.Kind, TrialFailure.Phase?)? {
            run.trials.first { $0.service == service }?.failure.map { ($0.kind, $0.phase) }
        }
        #expect(run.trials.count == 4 && run.trials.allSatisfy { !$0.succeeded })
        #expect(kind("hostile-exits")?.0 == .exited && kind("hostile-exits")?.1 == .beforeReady)
        #expect(run.trials.first { $0.service == "hostile-exits" }?.failure?.exitCode == 3)
        #expect(kind("hostile-never")?.0 == .notReady)
        #expect(kind("hostile-unhealthy")?.0 == .unhealthy)
        #expect(kind("hostile-port")?.0 == .portInUse)
        #expect(failure("hostile-exits").contains("exited with code 3 before ready"), "\(failure("hostile-exits"))")
        #expect(failure("hostile-exits").contains("FIXTURE_EXITING code=3"), "the log tail is kept")
        #expect(failure("hostile-never").contains("not ready within 2.0 s"), "\(failure("hostile-never"))")
        #expect(failure("hostile-never").contains("last answer HTTP 503"))
        #expect(failure("hostile-unhealthy").contains("unhealthy"), "\(failure("hostile-unhealthy"))")
        #expect(failure("hostile-port").contains("already in use"), "\(failure("hostile-port"))")
        let impostorTrial = try #require(run.trials.first { $0.service == "hostile-port" })
        #expect(impostorTrial.phases.ready == nil && impostorTrial.memory == nil, "nothing measured on the impostor")
        #expect(impostor.requests <= 1, "at most the free-port check touched the impostor, never an HTTP probe")
        for service in services.map(\.0) {
            #expect(run.errors.contains { $0.contains("\(service)/pip failed") }, "\(service) is in the errors")
        }
        #expect(try await FaultFixture.containers(label: "\(ContainerLabels.run)=\(run.id)").isEmpty)
    }

    /// SIGINT / SIGTERM while trials run: a second run with the same lock is refused at once, the history stays
    /// readable, and after the signal the run is stored as interrupted, exit 130, no container and no temporary
    /// context left.
    @Test(arguments: [SIGINT, SIGTERM])
    func signalMidRunInterruptsCleanly(signal: Int32) async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-signal"
        let context = try fixture.fixtureContext("fix", port: 18206)
        try fixture.writeSuite([
            FaultFixture.service(service, context: context, port: 18206, trials: 200, memoryWindow: 0.5)
        ])
        defer { Task { await FaultFixture.removeImages(services: [service]) } }
        let lock = fixture.directory.path + "/signal.lock"
        let process = try fixture.start(fixture.runArguments(), environment: ["CONTAINERBENCH_LOCK": lock])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let label = "\(ContainerLabels.service)=\(service)"
        let trialsRunning = try await FaultFixture.eventually(seconds: 180) {
            try await !FaultFixture.containers(label: label).isEmpty || !process.isRunning
        }
        #expect(trialsRunning && process.isRunning, "\(fixture.output())")

        // The same lock: refused at once with a clear message.
        let started = Date()
        let second = try await Binary.run(fixture.runArguments(), environment: ["CONTAINERBENCH_LOCK": lock])
        #expect(second.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(
            second.error.contains("another containerbench run (pid \(process.processIdentifier))"), "\(second.error)")
        #expect(Date().timeIntervalSince(started) < 10)
        // Reading works while the run holds the lock and the store.
        #expect(try fixture.storedRuns().isEmpty)

        kill(process.processIdentifier, signal)
        let status = await FaultFixture.wait(for: process, seconds: 60)
        #expect(status == ExitStatus.interrupted.rawValue, "\(fixture.output())")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .interrupted)
        #expect(!run.trials.isEmpty && run.trials.count < 200)
        #expect(try await FaultFixture.containers(label: label).isEmpty, "every container removed")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-\(run.id)")
        #expect(!FileManager.default.fileExists(atPath: work.path), "temporary build context removed")
        #expect(fixture.output().error.contains("signal \(signal)"))
    }

    /// Image policy: root user, no HEALTHCHECK and a secret-looking ENV fail the three checks, exit 1. The same run
    /// checks the container's security options and limits while a trial runs.
    @Test func imagePolicyBreachAndContainerLimits() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-policy"
        let context = try fixture.dockerfileContext(
            "policy",
            """
            FROM containerbench/python:3.11-bookworm
            ENV API_TOKEN=x
            CMD ["python3", "-m", "http.server", "18207", "--bind", "127.0.0.1"]

            """)
        var entry = FaultFixture.service(service, context: context, port: 18207, trials: 3, memoryWindow: 3)
        entry = entry.replacingOccurrences(of: "path: /health", with: "path: /")
        try fixture.writeSuite([entry])
        defer { Task { await FaultFixture.removeImages(services: [service]) } }
        let process = try fixture.start(fixture.runArguments(["--memory-limit", "256MB", "--cpus", "0.5"]))
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let label = "\(ContainerLabels.service)=\(service)"
        var hostConfig: [String: Any] = [:]
        _ = try await FaultFixture.eventually(seconds: 120) {
            guard let id = try await FaultFixture.containers(label: label).first else { return !process.isRunning }
            let inspect = try await ProcessRunner.run(
                "/usr/bin/docker", ["inspect", "--format", "{{json .HostConfig}}", id])
            guard inspect.succeeded, let data = inspect.output.data(using: .utf8),
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return false }
            hostConfig = object
            return true
        }
        let status = await FaultFixture.wait(for: process, seconds: 120)
        #expect(status == ExitStatus.budgetBreached.rawValue, "\(fixture.output())")
        #expect((hostConfig["SecurityOpt"] as? [String]) == ["no-new-privileges"], "\(hostConfig)")
        #expect((hostConfig["Memory"] as? NSNumber)?.int64Value == Int64(Quantity.bytes("256MB") ?? 0))
        #expect((hostConfig["NanoCpus"] as? NSNumber)?.int64Value == 500_000_000)
        #expect(hostConfig["NetworkMode"] as? String == "host")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .completed, "\(run.errors)")
        let store = try SQLiteHistoryStore(path: fixture.history)
        let evaluation = try #require(try store.evaluation(runID: run.id))
        let failed = Set(evaluation.policy.filter { $0.outcome == .fail }.map(\.check))
        #expect(failed == ["non-root", "healthcheck", "no-secrets"], "\(evaluation.policy)")
        #expect(evaluation.policy.first { $0.check == "no-secrets" }?.detail.contains("API_TOKEN") == true)
        #expect(!(evaluation.policy.first { $0.check == "no-secrets" }?.detail.contains("=x") ?? true))
        #expect(fixture.output().output.contains("verdict: budget breached (exit 1)"))
        #expect(try await FaultFixture.containers(label: label).isEmpty)
    }
}
