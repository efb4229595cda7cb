import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Testing

/// The fixture images the ground-truth tests measure, built once per test process through the harness's own
/// builder (`ImageBuilder`, BuildKit via the CLI) from this checkout's `benchmarks/fixture`, under tags of their
/// own (`containerbench-proof/fixture:<driver>`) so that no other engineer's images are touched.
actor ProofFixture {
    static let shared = ProofFixture()
    /// Ports of this suite's range (18300-18399): the fixture listens where FIXTURE_PORT says.
    static let startupPort = 18_310
    static let memoryPort = 18_320
    static let benchmarkPort = 18_330

    private var builds: [String: Task<BuildRecord, any Error>] = [:]

    /// A connected engine; fails (never skips) when none answers.
    static func engine() async throws -> DockerEngine {
        let engine = try DockerEngine()
        do {
            try await engine.connect()
        } catch {
            Issue.record("no container engine answers: \(error). Start dockerd (make engine).")
            throw error
        }
        return engine
    }

    /// The build of the fixture with `driver` (uv or pip), made on first use.
    func build(driver: String) async throws -> BuildRecord {
        if let existing = builds[driver] { return try await existing.value }
        let task = Task { try await Self.makeBuild(driver: driver) }
        builds[driver] = task
        return try await task.value
    }

    /// Runs blocking work (file I/O, compression, waiting for a process) on a Dispatch thread instead of Swift's
    /// cooperative pool, which is only as wide as the cores: a blocked pool would delay the probes of a startup
    /// trial running in parallel and falsify its timing.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The image tag of the fixture built with `driver`.
    static func tag(_ driver: String) -> String { "containerbench-proof/fixture:\(driver)" }

    private static func makeBuild(driver: String) async throws -> BuildRecord {
        let engine = try await engine()
        let suite = try SuiteLoader.load(path: Binary.packageRoot.appendingPathComponent("benchmarks/suite.yaml").path)
        guard let service = suite.service(named: "fixture"),
            let driverSpec = service.drivers.first(where: { $0.name == driver })
        else {
            throw MeasureError("benchmarks/suite.yaml has no fixture service with driver \(driver)")
        }
        let client = try await BuildKitClient.discover(endpoint: engine.endpoint)
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let builder = BuildKitImageBuilder(client: client, engine: engine, logger: Logger(label: "proof"))
        // warm: never `builder prune` the shared engine's cache mounts on other engineers' behalf.
        let record = try await builder.build(
            BuildRequest(
                service: service, driver: driverSpec, scenario: .warm, tag: tag(driver), runID: "proof",
                settings: BuildSettings(baseImageMap: suite.baseImages, workDirectory: URL(fileURLWithPath: work.path)))
        )
        guard record.succeeded else {
            throw MeasureError("the fixture's \(driver) build failed:\n\(record.logTail ?? "")")
        }
        return record
    }
}

/// The harness's builder on the real fixture: the per-step times BuildKit reports are read, and the step that
/// installs the dependencies is the one recognised for each driver.
@Suite("Ground truth: fixture builds (real engine)", .serialized)
struct GroundTruthFixtureTests {
    @Test("The dependency install step of a real build is recognised", arguments: ["uv", "pip"])
    func dependencyStepRecognised(driver: String) async throws {
        let build = try await ProofFixture.shared.build(driver: driver)
        let installs = build.steps.filter(\.isDependencyInstall)
        #expect(
            installs.count == 1, "\(driver): install steps \(installs.map(\.name)) among \(build.steps.map(\.name))")
        let expected = driver == "uv" ? "uv sync --locked" : "pip install --require-hashes"
        #expect(installs.first?.name.contains(expected) == true, "\(driver): \(installs.first?.name ?? "none")")
        #expect(build.installSeconds != nil)
        // Every step BuildKit named is accounted: run, copy, from; none with negative time.
        #expect(build.steps.count >= 6, "\(build.steps.map(\.name))")
        #expect(build.steps.allSatisfy { $0.seconds >= 0 })
        #expect(build.seconds > 0)
    }
}
