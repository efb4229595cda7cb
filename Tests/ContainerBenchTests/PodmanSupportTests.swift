import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// What Podman's engine and builder look like to containerbench, from captured output (no Podman needed).
@Suite("Podman: events, cgroups, Buildah output")
struct PodmanSupportTests {
    @Test func podmanEventsReadAsDockersDo() throws {
        let die = Data(
            #"{"status":"died","id":"abc","Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"containerExitCode":"137","image":"x"}},"timeNano":1764620338000000000}"#
                .utf8)
        let event = try #require(EngineEventStream.parse(die))
        #expect(event.action == "die" && event.exitCode == 137)
        let health = Data(
            #"{"status":"health_status","id":"abc","Type":"container","Action":"health_status","Actor":{"ID":"abc","Attributes":{"health_status":"healthy","containerExitCode":"0"}},"timeNano":1764620338000000000}"#
                .utf8)
        let healthy = try #require(EngineEventStream.parse(health))
        #expect(healthy.action == "health_status: healthy" && healthy.exitCode == nil)
        let docker = Data(
            #"{"status":"health_status: unhealthy","id":"abc","Type":"container","Action":"health_status: unhealthy","Actor":{"ID":"abc","Attributes":{}},"timeNano":1}"#
                .utf8)
        #expect(EngineEventStream.parse(docker)?.action == "health_status: unhealthy")
    }

    @Test(arguments: [
        ("memory/libpod_parent/libpod-ID", 1), ("memory/machine.slice/libpod-ID.scope", 1),
        ("machine.slice/libpod-ID.scope", 2),
        ("user.slice/user-1000.slice/user@1000.service/user.slice/libpod-ID.scope", 2),
        ("memory/docker/ID", 1), ("system.slice/docker-ID.scope", 2),
    ])
    func cgroupLayouts(path: String, version: Int) throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let id = String(repeating: "ab", count: 32)
        let directory = path.replacingOccurrences(of: "ID", with: id)
        try root.write(directory + "/" + (version == 1 ? "memory.usage_in_bytes" : "memory.current"), "1\n")
        let location = try #require(CgroupMemoryRecording.locate(containerID: id, root: root.path))
        #expect(location.directory == root.path + "/" + directory && location.version == version)
    }

    @Test func buildahStepsAreTimedByWhenTheirLinesArrive() {
        let lines: [(time: Double, text: String)] = [
            (0.0, "[1/3] STEP 1/1: FROM containerbench/uv:0.13.9 AS uv"), (0.1, "--> 5122077e628"),
            (0.2, "[2/3] STEP 1/3: FROM containerbench/python:3.11-bookworm AS builder"),
            (0.3, "[2/3] STEP 2/3: RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked"),
            (0.4, "Resolved 5 packages"), (2.3, "--> a64b3272cbe"), (2.4, "[2/3] STEP 3/3: COPY app.py ./"),
            (2.5, "--> Using cache 06c918a683f"), (2.6, "[3/3] STEP 1/1: FROM containerbench/python:3.11-bookworm"),
            (2.7, "[3/3] COMMIT containerbench/fixture:uv"), (2.9, "--> 27303e600cd"),
        ]
        let steps = BuildahLogParser.steps(lines)
        #expect(steps.count == 5)
        #expect(abs(steps[2].seconds - 2.1) < 1e-9 && steps[2].isDependencyInstall && !steps[2].cached)
        #expect(steps[3].cached && steps[3].name.hasSuffix("COPY app.py ./"))
        #expect(abs(steps[4].seconds - 0.1) < 1e-9, "a stage's last step ends at COMMIT")
        let record = BuildRecord(
            service: "s", driver: "uv", scenario: .cold, seconds: 3, succeeded: true, steps: steps)
        #expect(record.installSeconds.map { abs($0 - 2.1) < 1e-9 } == true)
    }

    @Test func relativeMountTargetsBecomeAbsoluteForBuildah() {
        let text = """
            FROM base AS builder
            WORKDIR /app
            RUN --mount=type=cache,target=/root/.cache/uv \\
                --mount=type=bind,source=uv.lock,target=uv.lock \\
                uv sync --locked
            WORKDIR sub
            RUN --mount=type=bind,source=a,dst=a.txt cat a.txt
            FROM base
            RUN --mount=type=bind,source=x,target=x true
            COPY target=y /z
            """
        let adapted = BuildahDockerfileAdapter.absoluteMountTargets(text)
        #expect(adapted.contains("--mount=type=cache,target=/root/.cache/uv \\"))
        #expect(adapted.contains("--mount=type=bind,source=uv.lock,target=/app/uv.lock \\"))
        #expect(adapted.contains("--mount=type=bind,source=a,dst=/app/sub/a.txt cat a.txt"))
        #expect(adapted.contains("--mount=type=bind,source=x,target=/x true"))
        #expect(adapted.contains("COPY target=y /z"))
        #expect(BuildahDockerfileAdapter.absoluteMountTargets("FROM a\nRUN true\n") == "FROM a\nRUN true\n")
    }

    @Test func engineStatsReadDockerAndPodmanShapes() throws {
        let docker = Data(
            #"{"memory_stats":{"usage":30000000,"max_usage":41000000,"stats":{"total_inactive_file":2000000,"total_rss":20000000,"total_cache":5000000}}}"#
                .utf8)
        let reading = try #require(EngineStatsMemoryRecording.parse(docker))
        #expect(reading.usage == 30_000_000 && reading.workingSet == 28_000_000 && reading.rss == 20_000_000)
        #expect(reading.peak == 41_000_000)
        let podman = Data(#"{"memory_stats":{"usage":13578240,"limit":25276059648}}"#.utf8)
        let only = try #require(EngineStatsMemoryRecording.parse(podman))
        #expect(only.usage == 13_578_240 && only.workingSet == 13_578_240 && only.peak == nil)
        #expect(EngineStatsMemoryRecording.parse(Data(#"{"memory_stats":{}}"#.utf8)) == nil)
    }

    @Test func versionsSayWhichEngineAnswered() throws {
        let podman = try JSONDecoder().decode(
            EngineVersion.self,
            from: Data(
                #"{"Version":"4.3.1","ApiVersion":"1.41","Components":[{"Name":"Podman Engine","Version":"4.3.1"}]}"#
                    .utf8))
        #expect(podman.kind == .podman)
        let docker = try JSONDecoder().decode(
            EngineVersion.self,
            from: Data(
                #"{"Version":"20.10.24","ApiVersion":"1.41","Components":[{"Name":"Engine","Version":"20.10.24"}]}"#
                    .utf8))
        #expect(docker.kind == .docker)
    }
}
