import ContainerBench
import Foundation
import Logging

/// The parts a run session is tested with: the in-memory engine with scripted builds, probes, memory and a virtual
/// clock, or the real dockerd with BuildKit, HTTP probes, cgroup files and CLOCK_MONOTONIC. A test body written
/// against a rig runs unchanged on both (as hummingbird's `.router` and `.live` test modes do).
public struct SessionRig: Sendable {
    /// Which parts.
    public enum Kind: String, Sendable, CaseIterable, CustomStringConvertible {
        case inMemory = "in-memory"
        case docker
        /// A dockerd of the tests' own on tcp://127.0.0.1:PORT with --tlsverify (`TLSDockerd`).
        case dockerTLS = "docker-tls"
        /// The shared dockerd through sshd on 127.0.0.1 (`LoopbackSSHServer`, ssh … docker system dial-stdio).
        case dockerSSH = "docker-ssh"
        /// `podman system service` on a socket of the tests' own (`PodmanService`), built with podman build.
        case podman
        public var description: String { rawValue }
    }

    public var kind: Kind
    public var engine: any ContainerEngine
    public var builder: any ImageBuilder
    public var instruments: MeasuringInstruments
    /// A one-service suite (`fixture`, drivers uv and pip) the rig can build.
    public var suite: Suite
    /// The in-memory engine, for assertions on its calls (nil for docker).
    public var inMemory: InMemoryContainerEngine?
    /// The scripted builder (nil for docker).
    public var scripted: ScriptedImageBuilder?

    /// An in-memory rig; `outcome` scripts each build (see `ScriptedImageBuilder`).
    public static func inMemory(
        outcome: @escaping @Sendable (BuildRequest, Int) -> ScriptedImageBuilder.Outcome = { _, _ in .init() }
    ) -> SessionRig {
        let clock = VirtualClock()
        let engine = InMemoryContainerEngine(clock: clock)
        // The engine floor runs the suite's Python base.
        engine.addImage(
            "containerbench-test/python:base", script: ContainerScript(listenAfter: 0.03, readyAfter: 0.04))
        let builder = ScriptedImageBuilder(engine: engine, outcome: outcome)
        let context = dockerfiles
        let service = ServiceSpec(
            name: "fixture", context: context.path,
            drivers: [
                DriverSpec(name: "uv", dockerfile: context.appendingPathComponent("Dockerfile.uv").path),
                DriverSpec(name: "pip", dockerfile: context.appendingPathComponent("Dockerfile.pip").path),
            ], port: 8080, health: HealthSpec(path: "/health", status: 200), trials: 3, readyTimeout: 10,
            memoryWindow: 0.5)
        return SessionRig(
            kind: .inMemory, engine: engine, builder: builder,
            instruments: MeasuringInstruments(
                probes: InMemoryProbes(engine: engine), sampler: ScriptedMemorySampler(engine: engine), clock: clock),
            suite: Suite(
                source: "in-memory suite", services: [service],
                baseImages: ["python:3.12-slim-bookworm": "containerbench-test/python:base"]),
            inMemory: engine, scripted: builder)
    }

    /// A folder with the in-memory suite's Dockerfiles (the session parses them before it builds), written once.
    static let dockerfiles: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-rig-dockerfiles")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (driver, install) in [("uv", "uv sync --locked"), ("pip", "pip install -r requirements.txt")] {
            let text = """
                FROM python:3.12-slim-bookworm
                RUN \(install)
                USER 10001
                HEALTHCHECK CMD ["python3", "-c", "pass"]
                CMD ["python3", "-m", "app"]

                """
            try? text.write(
                to: folder.appendingPathComponent("Dockerfile.\(driver)"), atomically: true, encoding: .utf8)
        }
        return folder
    }()

    /// A rig on the real engine: the fixture service of benchmarks/suite.yaml (a short memory window, 3 trials),
    /// built with a BuildKit client.
    /// - Throws: `EngineUnavailable` when no engine answers (engine tests fail, never skip).
    public static func docker() async throws -> SessionRig {
        try await docker(engine: try await EngineRequirement.engine())
    }

    private static func docker(engine: DockerEngine) async throws -> SessionRig {
        let client = try await BuildKitClient.discover(engine: engine)
        var suite = try SuiteLoader.load(path: Binary.packageRoot.appendingPathComponent("benchmarks/suite.yaml").path)
        suite.services = suite.services.filter { $0.name == "fixture" }
        suite.services[0].memoryWindow = 0.5
        suite.services[0].trials = 3
        suite.services[0].load = nil
        return SessionRig(
            kind: .docker, engine: engine,
            builder: BuildKitImageBuilder(client: client, engine: engine, logger: Logger(label: "rig")),
            instruments: MeasuringInstruments(), suite: suite)
    }

    /// A rig on an engine the test started (TLS dockerd, the shared dockerd through ssh, Podman): the same
    /// fixture service, built with the builder `MeasuringSession` would pick for that engine (or `builder`), and
    /// measured with the real instruments for it (`MeasuringInstruments.real(for:)`: across the network and from
    /// the Engine API's stats for tcp:// and ssh://).
    /// - Throws: when the engine does not answer or no builder can build for it.
    public static func remote(
        _ kind: Kind, engine: DockerEngine, builder: (any ImageBuilder)? = nil
    ) async throws -> SessionRig {
        try await engine.connect()
        var rig = try await docker(engine: engine)
        rig.kind = kind
        if let builder {
            rig.builder = builder
        } else {
            rig.builder = try await MeasuringSession.openBuilder(for: engine, logger: Logger(label: "rig")).0
        }
        rig.instruments = .real(for: engine)
        // Every engine here shares the host's network: a port of its own keeps other fixtures on 8080 (other
        // tests, other sessions on the shared engine) out of these trials.
        if let port = HTTPReadinessProbe.freePort() {
            rig.suite.services[0].port = port
            rig.suite.services[0].environment["FIXTURE_PORT"] = String(port)
        }
        return rig
    }

    /// The rig of `kind` (in-memory or the shared dockerd; the others need their server started: see `remote`).
    public static func make(_ kind: Kind) async throws -> SessionRig {
        switch kind {
        case .inMemory: return inMemory()
        case .docker: return try await docker()
        case .dockerTLS, .dockerSSH, .podman:
            throw EngineUnavailable(message: "the \(kind) rig needs its server: start it and use SessionRig.remote")
        }
    }

    /// A session over the rig's parts and `store`.
    public func session(
        store: any HistoryStore, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) -> RunSession {
        var logger = Logger(label: "rig")
        logger.logLevel = .warning
        return RunSession(
            engine: engine, builder: builder, instruments: instruments, store: store, logger: logger,
            progress: progress)
    }

    /// A plan of the rig's suite: cold builds, the suite's trials, no engine floor unless asked.
    public func plan(trials: Int? = nil, measureFloor: Bool = false, label: String? = nil) -> RunPlan {
        RunPlan(suite: suite, scenarios: [.cold], trials: trials, label: label, measureFloor: measureFloor)
    }
}
