import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Dockerfiles from the wild (benchmarks/corpus), each measured end to end with one command line and no suite
/// file, run from the corpus folder as a user runs from their repository: no targets file there, so the built-in
/// budgets apply; public bases map to built-in stand-ins, made before the first build.
@Suite("Dockerfile corpus (binary, engine)", .serialized)
struct CorpusTests {
    static let corpus = Binary.packageRoot.appendingPathComponent("benchmarks/corpus")

    /// One `run --dockerfile` of `file` on `port`; returns the stored run.
    static func measure(_ file: String, port: Int, window: String = "1s", extra: [String] = []) async throws -> (
        ProcessResult, RunRecord?
    ) {
        _ = try await EngineRequirement.engine()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.path + "/history.sqlite"
        let result = try await Binary.run(
            [
                "run", "--dockerfile", "app/\(file)", "--port", String(port), "--env", "PORT=\(port)", "--trials",
                "2", "--memory-window", window, "--no-floor", "--history", history, "--results-dir",
                directory.path + "/runs",
            ] + extra, environment: ["CONTAINERBENCH_LOCK": directory.path + "/lock"], in: corpus.path)
        let store = try SQLiteHistoryStore(path: history)
        let id = try store.runs().first?.id
        return (result, try id.flatMap { try store.run(id: $0) })
    }

    @Test(
        "each Dockerfile style builds and starts with one command line",
        arguments: [
            ("Dockerfile.uv-single", 8091, "uv-single"), ("Dockerfile.uv-multistage", 8092, "uv-multistage"),
            ("Dockerfile.pip-system", 8093, "pip-system"), ("Dockerfile.arg-python", 8094, "arg-python"),
            ("Dockerfile.continuations", 8095, "continuations"),
        ])
    func style(file: String, port: Int, driver: String) async throws {
        let (result, run) = try await Self.measure(file, port: port)
        #expect(result.exitCode == 0, "\(result.output)\n\(result.error)")
        #expect(result.error.contains("built-in budgets"), "the output says which targets applied")
        let record = try #require(run)
        #expect(record.status == .completed, "\(record.errors)")
        #expect(record.pairs == [ServiceDriver(service: "app", driver: driver)], "named from the Dockerfile")
        #expect(record.trials.count == 2 && record.trials.allSatisfy(\.succeeded))
        #expect(record.environment.baseImageUses.contains { $0.standIn }, "the stand-ins used are recorded")
        #expect(record.warnings.contains { $0.contains("built-in stand-in") || $0.contains("stand-in") })
        try await Self.removeImage(driver)
    }

    @Test("a build target is built with --target, and its HEALTHCHECK and USER are the target's")
    func buildTarget() async throws {
        // A 3 s window: the HEALTHCHECK runs every 2 s, so `healthy` is reported within it.
        let (result, run) = try await Self.measure(
            "Dockerfile.targets", port: 8096, window: "3s", extra: ["--target", "prod"])
        #expect(result.exitCode == 0, "\(result.output)\n\(result.error)")
        let record = try #require(run)
        let image = try #require(record.images.first)
        #expect(image.user == "nobody" && image.hasHealthcheck)
        #expect(record.trials.allSatisfy { $0.succeeded && $0.phases.healthy != nil }, "the HEALTHCHECK reported")
        try await Self.removeImage("targets")
    }

    @Test("a custom base: refused with its line and the mapping flag while missing, measured once it is built")
    func customBase() async throws {
        let engine = try await EngineRequirement.engine()
        try? await engine.removeImage("containerbench-corpus/base:1")
        let (refused, none) = try await Self.measure("Dockerfile.custom-base", port: 8097)
        #expect(refused.exitCode == ExitStatus.usageError.rawValue, "\(refused.output)\n\(refused.error)")
        #expect(refused.error.contains("Dockerfile.custom-base:2"), "\(refused.error)")
        #expect(refused.error.contains("--base-image containerbench-corpus/base:1=LOCAL"))
        #expect(none == nil, "nothing was stored")

        // The team builds its base once. No registry here: its python:3.12-slim is the built-in stand-in, which
        // `bootstrap --dockerfile` makes, and the base is built from a copy naming the stand-in.
        let made = try await Binary.run(["bootstrap", "--dockerfile", "app/Dockerfile.base"], in: Self.corpus.path)
        #expect(made.exitCode == 0, "\(made.output)\n\(made.error)")
        let standIn = try #require(StandInRecipe.inferred(for: "python:3.12-slim")).defaultImage
        let text = try String(contentsOf: Self.corpus.appendingPathComponent("app/Dockerfile.base"), encoding: .utf8)
            .replacingOccurrences(of: "FROM python:3.12-slim", with: "FROM \(standIn)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dockerfile = try directory.write("Dockerfile.base", text)
        let client = try await BuildKitClient.discover(endpoint: engine.endpoint)
        let base = try await ProcessRunner.run(
            client.executable,
            client.buildCommand.arguments + [
                "--network", "host", "-t", "containerbench-corpus/base:1", "-f", dockerfile, directory.path,
            ], environment: client.buildCommand.environment.merging(engine.endpoint.clientEnvironment) { $1 },
            combineOutput: true)
        #expect(base.succeeded, "\(base.tail(20))")

        let (result, run) = try await Self.measure("Dockerfile.custom-base", port: 8097)
        #expect(result.exitCode == 0, "\(result.output)\n\(result.error)")
        #expect(run?.trials.allSatisfy(\.succeeded) == true)
        try await Self.removeImage("custom-base")
        try? await engine.removeImage("containerbench-corpus/base:1")
    }

    @Test("a compose file with three built services is measured as a suite; the service without build is left out")
    func composeStack() async throws {
        _ = try await EngineRequirement.engine()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.path + "/history.sqlite"
        let result = try await Binary.run(
            [
                "run", "--compose", "compose/docker-compose.yml", "--trials", "2", "--no-floor", "--history", history,
                "--results-dir", directory.path + "/runs",
            ], environment: ["CONTAINERBENCH_LOCK": directory.path + "/lock"], in: Self.corpus.path)
        #expect(result.exitCode == 0, "\(result.output)\n\(result.error)")
        let store = try SQLiteHistoryStore(path: history)
        let record = try #require(try store.runs().first.flatMap { try store.run(id: $0.id) })
        #expect(Set(record.pairs.map(\.service)) == ["api", "dashboard", "worker"])
        #expect(record.trials.count == 6 && record.trials.allSatisfy(\.succeeded), "\(record.errors)")
        #expect(record.images.first { $0.service == "worker" }?.user == "nobody", "the worker's target is prod")
        // The worker's compose entry has no healthcheck and its image's HEALTHCHECK builds its URL at run time: no
        // health path is known, so ready is its first HTTP answer (its 404 on /).
        #expect(record.trials.filter { $0.service == "worker" }.allSatisfy { ($0.phases.ready ?? 99) < 5 })
        for service in ["api", "dashboard", "worker"] { try await Self.removeImages(of: service) }
    }

    static func removeImage(_ driver: String) async throws {
        try await removeImages(of: "app")
    }

    /// Every tag a run left of `service` (a run removes its own `containerbench/SERVICE:DRIVER-RUNID` tags when it
    /// ends; a failed one may not) and its kept images.
    static func removeImages(of service: String) async throws {
        let engine = try await EngineRequirement.engine()
        for repository in [ImageTag.repository(service: service), KeptImages.repository(service: service)] {
            for tag in (try? await engine.imageTags(repository: repository)) ?? [] {
                try? await engine.removeImage(tag)
            }
        }
    }
}
