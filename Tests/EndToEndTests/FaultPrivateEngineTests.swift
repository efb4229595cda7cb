import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// A dockerd of these tests' own (socket, data and exec roots under /tmp/hostile-engine*), which a test may kill
/// without disturbing the shared engine. Its data root persists between runs so the base image is loaded once.
struct PrivateEngine {
    static let socket = "/tmp/hostile-engine.sock"
    static let dataRoot = "/tmp/hostile-engine-data"
    static let execRoot = "/tmp/hostile-engine-exec"
    static let baseImage = "containerbench/python:3.11-bookworm"

    let process: Process

    /// Starts the engine and waits (up to 60 s) until it answers, then makes sure the base image is loaded.
    static func start() async throws -> PrivateEngine {
        clearStaleContainerd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
        process.arguments = [
            "-H", "unix://\(socket)", "--data-root", dataRoot, "--exec-root", execRoot, "--pidfile",
            "/tmp/hostile-engine.pid", "--bridge=none", "--iptables=false",
        ]
        if !FileManager.default.fileExists(atPath: "/tmp/hostile-engine.log") {
            FileManager.default.createFile(atPath: "/tmp/hostile-engine.log", contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "/tmp/hostile-engine.log"))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let engine = PrivateEngine(process: process)
        let up = await FaultFixture.eventually(seconds: 60) {
            guard let client = try? DockerEngine(socketPath: socket) else { return false }
            return (try? await client.connect()) != nil
        }
        guard up else {
            engine.kill()
            throw PrivateEngineError(
                description: "the private dockerd did not answer on \(socket); see /tmp/hostile-engine.log")
        }
        try await engine.loadBaseImage()
        // Containers an earlier (killed) test left on this private engine would look like this test's trials.
        let client = try DockerEngine(socketPath: socket)
        for id in try await managedContainers() { try? await client.removeContainer(id) }
        return engine
    }

    /// After a SIGKILL the engine's containerd may be left, or gone with its pid file left behind (and the pid
    /// reused by an unrelated process): dockerd would then wait on it and fail to start. Kill it only when the
    /// pid's command line is our own containerd; otherwise just drop the stale pid file.
    static func clearStaleContainerd() {
        let pidFile = execRoot + "/containerd/containerd.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map {
            String(decoding: $0, as: UTF8.self)
        }
        if let commandLine, commandLine.hasPrefix("containerd"), commandLine.contains(execRoot) {
            Foundation.kill(pid, SIGKILL)
            for _ in 0..<100 where Foundation.kill(pid, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// Loads the base image from the shared engine through a file (no pipes), once.
    func loadBaseImage() async throws {
        let client = try DockerEngine(socketPath: Self.socket)
        if try await client.inspectImage(Self.baseImage) != nil { return }
        let archive = "/tmp/hostile-python-base.tar"
        if !FileManager.default.fileExists(atPath: archive) {
            let saved = try await ProcessRunner.run("/usr/bin/docker", ["save", "-o", archive, Self.baseImage])
            try #require(saved.succeeded, "\(saved.error)")
        }
        let loaded = try await ProcessRunner.run(
            "/usr/bin/docker", ["load", "-i", archive], environment: ["DOCKER_HOST": "unix://\(Self.socket)"])
        try #require(loaded.succeeded, "\(loaded.error)")
    }

    /// SIGKILL: the engine vanishes mid-call, as after a crash.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait, so that it unmounts and stops its containerd.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        _ = await FaultFixture.wait(for: process, seconds: 30)
        if process.isRunning { kill() }
        // dockerd leaves its private bind mount of the data root and the default netns mount behind.
        for mountPoint in [Self.execRoot + "/netns/default", Self.dataRoot] {
            _ = try? await ProcessRunner.run("/bin/umount", [mountPoint])
        }
    }

    /// Ids of containerbench containers on this engine.
    static func managedContainers() async throws -> [String] {
        try await FaultFixture.containers(label: "\(ContainerLabels.managed)=1", socket: socket)
    }
}

/// The private engine could not be started.
struct PrivateEngineError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Faults that need an engine the test may kill: the engine dying mid-run, and the harness killed with SIGKILL.
@Suite("Faults: private engine", .serialized)
struct FaultPrivateEngineTests {
    static let environment = ["DOCKER_HOST": "unix://\(PrivateEngine.socket)"]

    /// The engine is killed while trials run: the run is stored as failed with the reason (never as a success),
    /// exit 4, and a complete record (finished, every attempted trial present). After a restart `gc` clears what
    /// the dead engine left.
    @Test func engineStoppedMidRunFailsTheRun() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-enginedies"
        let context = try fixture.fixtureContext("fix", port: 18220)
        try fixture.writeSuite([
            FaultFixture.service(
                service, context: context, port: 18220, trials: 100, readyTimeout: 5, memoryWindow: 0.3)
        ])
        let engine = try await PrivateEngine.start()
        defer { if engine.process.isRunning { engine.kill() } }
        let process = try fixture.start(fixture.runArguments(), environment: Self.environment)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let trialsRunning = try await FaultFixture.eventually(seconds: 180) {
            try await !PrivateEngine.managedContainers().isEmpty || !process.isRunning
        }
        #expect(trialsRunning && process.isRunning, "\(fixture.output())")
        engine.kill()
        let status = await FaultFixture.wait(for: process, seconds: 120)
        #expect(status == ExitStatus.infrastructureError.rawValue, "\(fixture.output())")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .failed)
        #expect(run.finishedAt != nil)
        #expect(run.trials.contains { !$0.succeeded })
        #expect(
            run.errors.contains { $0.contains("no container engine answers") || $0.contains("create failed") },
            "\(run.errors.prefix(3))")

        // A restarted engine still knows the containers the dead one ran; gc --all removes them.
        let restarted = try await PrivateEngine.start()
        let gc = try await Binary.run(["gc", "--all"], environment: Self.environment)
        #expect(gc.exitCode == 0, "\(gc.error)")
        #expect(try await PrivateEngine.managedContainers().isEmpty)
        await restarted.stop()
    }

    /// `kill -9` mid-trial leaves the container behind (nothing could remove it); `gc` finds it by its labels,
    /// sees that the creating pid is gone and removes it.
    @Test func killNineLeavesAContainerThatGCRemoves() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-killnine"
        let context = try fixture.fixtureContext("fix", port: 18221)
        try fixture.writeSuite([
            FaultFixture.service(service, context: context, port: 18221, trials: 50, memoryWindow: 10)
        ])
        let engine = try await PrivateEngine.start()
        defer { if engine.process.isRunning { engine.kill() } }
        let process = try fixture.start(fixture.runArguments(), environment: Self.environment)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Ready plus a 10 s memory window: the container lives long enough to be caught.
        let running = try await FaultFixture.eventually(seconds: 180) {
            try await !PrivateEngine.managedContainers().isEmpty || !process.isRunning
        }
        #expect(running && process.isRunning, "\(fixture.output())")
        kill(process.processIdentifier, SIGKILL)
        #expect(await FaultFixture.wait(for: process, seconds: 30) == 128 + SIGKILL)
        let leftovers = try await PrivateEngine.managedContainers()
        #expect(leftovers.count == 1, "the container of the killed trial is left")
        if let id = leftovers.first {
            let labels = try await DockerEngine(socketPath: PrivateEngine.socket).labels(ofContainer: id)
            #expect(labels[ContainerLabels.pid] == String(process.processIdentifier))
            #expect(labels[ContainerLabels.run]?.isEmpty == false)
        }
        let gc = try await Binary.run(["gc"], environment: Self.environment)
        #expect(gc.exitCode == 0, "\(gc.error)")
        #expect(gc.output.contains("removed \(leftovers.count) container(s)"), "\(gc.output)")
        #expect(try await PrivateEngine.managedContainers().isEmpty)
        #expect(try fixture.storedRuns().isEmpty, "a killed run stores nothing, not half a run")
        await engine.stop()
    }
}
