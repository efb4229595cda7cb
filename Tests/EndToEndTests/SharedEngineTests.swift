import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Two runners on one engine (docs/security.md, "Ownership on shared engines"): two binaries at once, each as its
/// own runner (one reaches the shared dockerd through the unix socket, the other through ssh), measuring a service
/// of the same name with both drivers. Each copy of the fixture listens on a port of its own, so a runner that
/// measured the other's image would time out on its own port: both completing with every trial ready is the proof
/// that each measured its own images. Each workspace has a lock file of its own (`FaultFixture.lock`): the two
/// binaries stand for runners on two hosts, which share an engine but no lock.
@Suite("Shared engine: two runners at once (binary, engine)", .serialized, .enabled(if: RemoteEngines.required))
struct SharedEngineTests {
    @Test("two runners build and measure the same service at once: both finish on their own images, nothing is left")
    func twoRunnersAtOnce() async throws {
        let engine = try await EngineRequirement.engine()
        // The images of this test's service (run tags, kept images): none before, none after, whatever happened.
        await Self.removeImages(engine)
        let outcome: Result<Void, any Error>
        do {
            try await twoRunners(engine)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await Self.removeImages(engine)
        try outcome.get()
    }

    static let service = "hostile-shared"

    static func removeImages(_ engine: DockerEngine) async {
        await FaultFixture.removeImages(services: [service])
        for tag in (try? await engine.imageTags(repository: KeptImages.repository(service: service))) ?? [] {
            try? await engine.removeImage(tag)
        }
    }

    func twoRunners(_ engine: DockerEngine) async throws {
        let server = try await LoopbackSSHServer.start()
        defer { server.stop() }
        let service = Self.service
        let (first, second) = (try FaultFixture(), try FaultFixture())
        defer {
            first.remove()
            second.remove()
        }
        for (fixture, port) in [(first, 18261), (second, 18262)] {
            let context = try fixture.fixtureContext("shared", port: port)
            try fixture.writeSuite([
                FaultFixture.service(service, context: context, port: port, drivers: ["uv", "pip"], trials: 3)
            ])
        }
        let viaSocket = try first.start(first.runArguments(["--scenarios", "cold,warm"]), name: "socket")
        let viaSSH = try second.start(
            second.runArguments([
                "--scenarios", "cold,warm", "--engine", "ssh://root@127.0.0.1:\(server.port)", "--ssh-config",
                server.clientConfig,
            ]), name: "ssh")
        let exits = (await Self.reap(viaSocket, seconds: 900), await Self.reap(viaSSH, seconds: 900))
        if viaSocket.isRunning { viaSocket.terminate() }
        if viaSSH.isRunning { viaSSH.terminate() }
        #expect(exits.0 == 0, "\(first.output(of: "socket"))")
        #expect(exits.1 == 0, "\(second.output(of: "ssh"))")

        let runs = (try #require(try first.storedRuns().first), try #require(try second.storedRuns().first))
        for run in [runs.0, runs.1] {
            #expect(run.status == .completed, "\(run.errors)")
            #expect(run.trials.count == 6 && run.trials.allSatisfy(\.succeeded), "\(run.trials.map(\.failure))")
            #expect(run.builds.filter(\.succeeded).count == 4, "cold and warm, both drivers")
        }
        #expect(runs.1.environment.engineHost?.endpoint.hasPrefix("ssh://root@127.0.0.1") == true)
        // Each run measured images of its own (two builds of the same Dockerfile path, told apart by run).
        let ids = (Set(runs.0.images.map(\.imageID)), Set(runs.1.images.map(\.imageID)))
        #expect(ids.0.count == 2 && ids.1.count == 2 && ids.0.isDisjoint(with: ids.1), "\(ids)")
        // Both runs' images stay as their kept images; neither's cleanup took the other's.
        let kept = try await engine.imageTags(repository: KeptImages.repository(service: service))
        for run in [runs.0, runs.1] {
            #expect(kept.filter { $0.hasSuffix(run.id) }.count == 2, "\(run.id): \(kept)")
        }
        // Nothing left behind: no container, no run tag.
        #expect(try await FaultFixture.containers(label: "\(ContainerLabels.service)=\(service)").isEmpty)
        #expect(try await engine.imageTags(repository: ImageTag.repository(service: service)).isEmpty)
        // The two runners labelled what they made as theirs (the kept images carry the build's labels).
        var runners = Set<String>()
        for tag in kept where tag.hasSuffix(runs.0.id) || tag.hasSuffix(runs.1.id) {
            if let runner = try await engine.inspectImage(tag)?.config?.labels?[ContainerLabels.runner] {
                runners.insert(runner)
            }
        }
        #expect(runners.count == 2, "\(runners)")
    }

    /// The exit status of `process` once it ends (polling `waitpid`, bounded): with two children running at once,
    /// Foundation's own reaping was seen to leave them as zombies, `isRunning` true forever.
    static func reap(_ process: Process, seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        let pid = process.processIdentifier
        while Date() < deadline {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            // Reaped by Foundation after all.
            if reaped == -1 || !process.isRunning {
                return process.isRunning ? nil : process.terminationStatus
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
