import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Ownership on shared engines (docs/security.md): what carries which runner's id, and what `gc`, a run's own
/// cleanup and the kept-image pruning may remove. The real two-runner run is `SharedEngineTests`.
@Suite("Ownership on shared engines")
struct OwnershipTests {
    static let unix = EngineEndpoint(socketPath: "/var/run/docker.sock")

    @Test("a runner is this host on this endpoint: other hosts and endpoints differ, CONTAINERBENCH_RUNNER overrides")
    func identity() {
        let tcp = EngineEndpoint(transport: .tcp(host: "10.0.0.5", port: 2376, tls: nil))
        let a = RunnerIdentity.of(Self.unix, host: "ci-1", environment: [:])
        #expect(a.id.hasPrefix("ci-1-") && a.id.count == "ci-1-".count + 8, "\(a.id)")
        #expect(a == RunnerIdentity.of(Self.unix, host: "ci-1", environment: [:]), "stable")
        #expect(a.id != RunnerIdentity.of(Self.unix, host: "ci-2", environment: [:]).id)
        #expect(a.id != RunnerIdentity.of(tcp, host: "ci-1", environment: [:]).id)
        let chosen = RunnerIdentity.of(Self.unix, host: "ci-1", environment: ["CONTAINERBENCH_RUNNER": "nightly.7"])
        #expect(chosen.id == "nightly.7" && chosen.host == "ci-1")
        // An unusable override is ignored rather than written into labels.
        for bad in ["", "has space", "a/b", String(repeating: "x", count: 65)] {
            #expect(RunnerIdentity.of(Self.unix, host: "ci-1", environment: ["CONTAINERBENCH_RUNNER": bad]).id == a.id)
        }
        // A host name that is not label-safe still gives a usable id.
        #expect(RunnerIdentity.isValidID(RunnerIdentity.of(Self.unix, host: "wéird host/1", environment: [:]).id))
        #expect(a.owns(a.labels) && !a.owns(RunnerIdentity.of(tcp, host: "ci-1", environment: [:]).labels))
    }

    /// A container of `runner` (made by process `pid`) on `engine` from image `image`.
    func container(
        _ engine: InMemoryContainerEngine, image: String, runner: RunnerIdentity, pid: Int32
    ) async throws -> String {
        let labels = [ContainerLabels.managed: "1", ContainerLabels.run: "r", ContainerLabels.pid: String(pid)]
            .merging(runner.labels) { _, new in new }
        return try await engine.createContainer(ContainerSpec(image: image, labels: labels))
    }

    @Test("gc removes its own runner's dead containers, never another runner's younger than the lease")
    func collectorScope() async throws {
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        engine.addImage("img", labels: [ContainerLabels.managed: "1"])
        let me = RunnerIdentity(id: "me", host: "h1", endpoint: "unix:///var/run/docker.sock")
        let other = RunnerIdentity(id: "other", host: "h2", endpoint: "tcp://10.0.0.5:2376 (TLS)")
        let alive = getpid()
        // A pid that is not alive: far above pid_max.
        let dead: Int32 = 99_999_999
        let mineLive = try await container(engine, image: "img", runner: me, pid: alive)
        let mineDead = try await container(engine, image: "img", runner: me, pid: dead)
        // The other runner's pids mean nothing here: its "dead" one may be alive on its host.
        let theirs = try await container(engine, image: "img", runner: other, pid: dead)
        let unlabelled = try await engine.createContainer(
            ContainerSpec(image: "img", labels: [ContainerLabels.managed: "1", ContainerLabels.pid: String(dead)]))

        let now = GarbageCollector(engine: engine, runner: me)
        let first = try await now.collect(includeLive: false, images: false)
        #expect(first.containers == [mineDead])
        #expect(first.spared == 2)
        #expect(Set(engine.liveContainers) == [mineLive, theirs, unlabelled])

        let all = try await now.collect(includeLive: true, images: false)
        #expect(all.containers == [mineLive], "--all is this runner's live ones, not others'")
        #expect(Set(engine.liveContainers) == [theirs, unlabelled])

        // Past the lease (the engine's clock), what another runner or an old version left is abandoned.
        let later = GarbageCollector(
            engine: engine, runner: me, lease: 3600, now: { Date().addingTimeInterval(3601) })
        let late = try await later.collect(includeLive: false, images: false)
        #expect(Set(late.containers) == [theirs, unlabelled] && late.spared == 0)
        #expect(engine.liveContainers.isEmpty)
    }

    @Test("gc --images removes its own runner's images; another runner's and shared stand-ins wait for the lease")
    func imageScope() async throws {
        let engine = InMemoryContainerEngine(clock: VirtualClock())
        let me = RunnerIdentity(id: "me", host: "h1", endpoint: "e")
        let other = RunnerIdentity(id: "other", host: "h2", endpoint: "e2")
        let managed = [ContainerLabels.managed: "1"]
        engine.addImage("containerbench/api:uv-1", labels: managed.merging(me.labels) { _, new in new })
        engine.addImage("containerbench/api:uv-2", labels: managed.merging(other.labels) { _, new in new })
        engine.addImage("containerbench/python:3.11-bookworm", labels: managed)
        let collected = try await GarbageCollector(engine: engine, runner: me).collect(
            includeLive: false, images: true)
        #expect(collected.images.count == 1 && collected.spared == 2)
        #expect(!(await engine.hasImage("containerbench/api:uv-1")))
        #expect(await engine.hasImage("containerbench/api:uv-2"))
        #expect(await engine.hasImage("containerbench/python:3.11-bookworm"))
        let late = try await GarbageCollector(
            engine: engine, runner: me, lease: 60, now: { Date().addingTimeInterval(61) }
        ).collect(includeLive: false, images: true)
        #expect(late.images.count == 2)
        #expect(!(await engine.hasImage("containerbench/api:uv-2")))
    }

    @Test("cold builds get cache ids of their own; warm and change builds reuse their pair's; nothing else changes")
    func cacheMountScopes() {
        let scopes = CacheScopes(runner: "ci-1-0a1b2c3d")
        let stable = scopes.scope(service: "api", driver: "uv", cold: false)
        #expect(stable == "cb-ci-1-0a1b2c3d", "a warm build with no cold build before it uses the runner's own")
        let cold1 = scopes.scope(service: "api", driver: "uv", cold: true)
        let cold2 = scopes.scope(service: "api", driver: "uv", cold: true)
        #expect(cold1 != cold2 && cold1.hasPrefix("cb-ci-1-0a1b2c3d-") && scopes.isOwn(cold1))
        #expect(scopes.scope(service: "api", driver: "uv", cold: false) == cold2)
        #expect(scopes.scope(service: "api", driver: "pip", cold: false) == stable, "pairs do not share")
        #expect(!CacheScopes(runner: "other").isOwn(cold1))

        let dockerfile = """
            FROM python:3.12-slim
            # RUN --mount=type=cache,target=/root/.cache/uv (a comment is left alone)
            RUN --mount=type=cache,target=/root/.cache/uv \\
                --mount=type=bind,source=uv.lock,target=uv.lock \\
                uv sync --locked
            RUN --mount=type=cache,id=pip-cache,target=/root/.cache/pip,sharing=locked pip install -r r.txt
            RUN --mount=type=secret,id=token cat /run/secrets/token
            COPY --from=build /app /app
            """
        let scoped = CacheMountScoping.rewrite(dockerfile, scope: "cb-x")
        let lines = scoped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == dockerfile.split(separator: "\n", omittingEmptySubsequences: false).count)
        #expect(lines[1] == "# RUN --mount=type=cache,target=/root/.cache/uv (a comment is left alone)")
        #expect(lines[2] == "RUN --mount=type=cache,target=/root/.cache/uv,id=cb-x-_root_.cache_uv \\")
        #expect(lines[3] == "    --mount=type=bind,source=uv.lock,target=uv.lock \\", "bind mounts keep their ids")
        #expect(
            lines[5]
                == "RUN --mount=type=cache,id=cb-x-pip-cache,target=/root/.cache/pip,sharing=locked pip install -r r.txt"
        )
        #expect(lines[6] == "RUN --mount=type=secret,id=token cat /run/secrets/token", "secret ids are not cache ids")
        #expect(CacheMountScoping.rewrite("FROM scratch\nRUN true\n", scope: "cb-x") == "FROM scratch\nRUN true\n")
        // Only the RUN's own flags: a --mount= in the command is the command's; quotes, build arguments kept.
        let edges = CacheMountScoping.rewrite(
            """
            RUN podman run --mount=type=cache,target=/x img
            RUN --mount="type=cache,target=/root/.cache/pip" --mount=type=cache,id=$CACHE,target=/c pip install x
            ONBUILD RUN --mount=type=cache,target=/y true
            RUN <<EOF
            --mount=type=cache,target=/z
            EOF
            RUN ["sh", "-c", "--mount=type=cache,target=/q"]
            """, scope: "cb-x")
        let edgeLines = edges.split(separator: "\n").map(String.init)
        #expect(edgeLines[0] == "RUN podman run --mount=type=cache,target=/x img")
        #expect(
            edgeLines[1]
                == "RUN --mount=\"type=cache,target=/root/.cache/pip,id=cb-x-_root_.cache_pip\" "
                + "--mount=type=cache,id=cb-x-$CACHE,target=/c pip install x")
        #expect(edgeLines[2] == "ONBUILD RUN --mount=type=cache,target=/y true", "ONBUILD runs in another build")
        #expect(edgeLines[4] == "--mount=type=cache,target=/z", "a heredoc body is not flags")
        #expect(edgeLines[6] == #"RUN ["sh", "-c", "--mount=type=cache,target=/q"]"#)
    }

    @Test("a run's cleanup removes its own tags only; kept-image pruning keeps other runners' kept images")
    func ownCleanup() async throws {
        let rig = SessionRig.inMemory()
        let engine = try #require(rig.inMemory)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        // Another runner's run is in progress: its tags and its kept images must survive ours.
        let other = RunnerIdentity(id: "other", host: "h2", endpoint: "tcp://10.0.0.5:2376 (TLS)")
        let theirs = [ContainerLabels.managed: "1"].merging(other.labels) { _, new in new }
        let otherRun = "20261207T000000Z-0123abcd"
        engine.addImage("containerbench/fixture:uv-\(otherRun)", labels: theirs)
        for run in ["20200101T000000Z-00000001", "20200101T000000Z-00000002", "20200101T000000Z-00000003"] {
            engine.addImage("\(KeptImages.repository(service: "fixture")):uv-\(run)", labels: theirs)
        }
        let session = rig.session(store: store)
        for _ in 0..<3 {
            _ = try await session.run(
                RunRequest(plan: rig.plan(trials: 1), targets: nil, baseline: .none, resultsDirectory: directory.url))
        }
        let tags = try await engine.imageTags(repository: ImageTag.repository(service: "fixture"))
        #expect(tags == ["containerbench/fixture:uv-\(otherRun)"], "our runs' tags are gone, theirs stays")
        let kept = try await engine.imageTags(repository: KeptImages.repository(service: "fixture"))
        let ours = kept.filter { !$0.contains("-2020") }
        #expect(ours.count == 4, "two runs × two drivers of ours kept: \(kept)")
        #expect(kept.filter { $0.contains("-2020") }.count == 3, "none of theirs pruned: \(kept)")
    }
}
