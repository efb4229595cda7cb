import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Preflight: every base image a Dockerfile needs is checked before anything is built.
@Suite("Preflight of base images (in-memory engine)")
struct PreflightTests {
    static func plan(_ dockerfile: String, map: [String: String] = [:], in directory: TemporaryDirectory) throws
        -> RunPlan
    {
        let path = try directory.write("Dockerfile", dockerfile)
        let service = ServiceSpec(
            name: "app", context: directory.path, drivers: [DriverSpec(name: "custom", dockerfile: path)], port: 8080,
            health: HealthSpec(path: "/"))
        return RunPlan(suite: Suite(source: "test", services: [service], baseImages: map))
    }

    @Test(
        "an unmapped base without a recipe is a usage error naming the Dockerfile line and the flag; nothing is built")
    func unmappedBaseNamesItsLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        let plan = try Self.plan(
            "# build\nFROM python:3.12-slim AS build\nRUN true\nFROM registry.example.com/team/base:7\n"
                + "COPY --from=build /x /x\n", in: directory)
        let maker = InMemoryStandInMaker(engine: engine)
        do {
            _ = try await PreflightStage(engine: engine, standIns: maker).run(plan)
            Issue.record("preflight accepted an unmappable base")
        } catch {
            #expect(error.status == .usageError)
            #expect(error.message.contains("Dockerfile:4"), "\(error.message)")
            #expect(error.message.contains("registry.example.com/team/base:7"))
            #expect(error.message.contains("--base-image registry.example.com/team/base:7=LOCAL"))
            #expect(!error.message.contains("python:3.12-slim"), "python has a built-in stand-in")
        }
        #expect(maker.made.isEmpty, "nothing is made when the run cannot go ahead")
        #expect(engine.calls.isEmpty)
    }

    @Test("references nobody mapped get built-in stand-ins (FROM, COPY --from of uv, ARG defaults), made once")
    func builtInStandInsComplete() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        let plan = try Self.plan(
            """
            ARG PY=3.13
            FROM python:${PY}-slim
            COPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /uvx /bin/
            RUN uv sync
            """, in: directory)
        let maker = InMemoryStandInMaker(engine: engine)
        let result = try await PreflightStage(engine: engine, standIns: maker).run(plan)
        let map = result.plan.suite.baseImageMap
        #expect(map.images["python:3.13-slim"] == "containerbench/python:3.13-trixie")
        #expect(map.images["ghcr.io/astral-sh/uv:0.9.5"] == "containerbench/uv:0.9.5")
        #expect(Set(maker.made) == ["python:3.13-slim", "ghcr.io/astral-sh/uv:0.9.5"])
        #expect(result.notes.contains { $0.contains("python:3.13-slim") && $0.contains("built-in stand-in") })
        // A second preflight finds them present and makes nothing.
        _ = try await PreflightStage(engine: engine, standIns: maker).run(plan)
        #expect(maker.made.count == 2)
    }

    @Test("an original the engine has is used as it is, and an explicit map wins over the built-in one")
    func presentOriginalsAndExplicitMaps() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        engine.addImage("python:3.12-slim")
        engine.addImage("mycorp/uv:pinned")
        let plan = try Self.plan(
            "FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /bin/\n",
            map: ["ghcr.io/astral-sh/uv:0.9.5": "mycorp/uv:pinned"], in: directory)
        let maker = InMemoryStandInMaker(engine: engine)
        let result = try await PreflightStage(engine: engine, standIns: maker).run(plan)
        #expect(maker.made.isEmpty)
        #expect(result.plan.suite.baseImages == ["ghcr.io/astral-sh/uv:0.9.5": "mycorp/uv:pinned"])
        let resolved = await BaseImageResolver(engine: engine, map: result.plan.suite.baseImages)
            .resolve("python:3.12-slim")
        #expect(resolved?.standIn == false && resolved?.image == "python:3.12-slim")
    }

    @Test("a Dockerfile that does not parse is a usage error with its file and line")
    func brokenDockerfile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        let plan = try Self.plan("FROM python:3.12\nRUN <<EOF\necho never closed\n", in: directory)
        do {
            _ = try await PreflightStage(engine: engine, standIns: nil).run(plan)
            Issue.record("a broken Dockerfile passed preflight")
        } catch {
            #expect(error.status == .usageError)
            #expect(error.message.contains("Dockerfile:2"), "\(error.message)")
        }
    }

    @Test(
        "built-in recipes for the bases users name",
        arguments: [
            ("python:3.12-slim", "containerbench/python:3.11-bookworm", StandInRecipe.Kind.python),
            ("python:3.13-slim-trixie", "containerbench/python:3.13-trixie", .python),
            ("docker.io/library/python:3.11", "containerbench/python:3.11-bookworm", .python),
            ("ghcr.io/astral-sh/uv:0.9.5", "containerbench/uv:0.9.5", .uv),
            (
                "ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "containerbench/uv:latest-python3.11-bookworm",
                .uvPython
            ),
            ("ghcr.io/astral-sh/uv:0.9.5-python3.13-trixie", "containerbench/uv:0.9.5-python3.13-trixie", .uvPython),
            ("debian:bookworm-slim", "containerbench/debian:bookworm-slim", .debian),
        ])
    func recipes(reference: String, image: String, kind: StandInRecipe.Kind) throws {
        let recipe = try #require(StandInRecipe.inferred(for: reference))
        #expect(recipe.kind == kind)
        #expect(recipe.defaultImage == image)
    }

    @Test(
        "no recipe is guessed for images containerbench cannot make",
        arguments: [
            "node:20", "alpine:3.20", "registry.example.com/uvicorn-app:1", "ghcr.io/astral-sh/uv:0.9.5-alpine",
        ])
    func noRecipe(reference: String) {
        #expect(StandInRecipe.inferred(for: reference) == nil)
    }
}
