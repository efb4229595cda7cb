import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Runners on one engine (docs/security.md, "Ownership on shared engines"): three binaries at once, each as its
/// own runner, reaching the shared dockerd through its unix socket, through `tcp://` (a loopback relay of the
/// socket, `--engine-insecure`) and through ssh, measuring a service of the same name with both drivers. Each copy of the fixture listens on a port of its own, so a runner that
/// measured the other's image would time out on its own port: both completing with every trial ready is the proof
/// that each measured its own images. Each workspace has a lock file of its own (`FaultFixture.lock`): the
/// binaries stand for runners on other hosts, which share an engine but no lock.
@Suite("Shared engine: runners at once (binary, engine)", .serialized, .enabled(if: RemoteEngines.required))
struct SharedEngineTests {
    @Test("three runners (socket, tcp, ssh) measure the same service at once: each on its own images, nothing is left")
    func runnersAtOnce() async throws {
        let engine = try await EngineRequirement.engine()
        // The images of this test's service (run tags, kept images): none before, none after, whatever happened.
        await Self.removeImages(engine)
        let outcome: Result<Void, any Error>
        do {
            try await runners(engine)
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

    func runners(_ engine: DockerEngine) async throws {
        let server = try await LoopbackSSHServer.start()
        defer { server.stop() }
        let proxy = try LoopbackTCPProxy()
        defer { proxy.stop() }
        let service = Self.service
        let fixtures = [try FaultFixture(), try FaultFixture(), try FaultFixture()]
        defer { for fixture in fixtures { fixture.remove() } }
        for (fixture, port) in zip(fixtures, [18261, 18262, 18263]) {
            let context = try fixture.fixtureContext("shared", port: port)
            try fixture.writeSuite([
                FaultFixture.service(service, context: context, port: port, drivers: ["uv", "pip"], trials: 3)
            ])
        }
        let engines: [[String]] = [
            [], ["--engine", proxy.url, "--engine-insecure"],
            ["--engine", "ssh://root@127.0.0.1:\(server.port)", "--ssh-config", server.clientConfig],
        ]
        var processes: [Process] = []
        for (index, fixture) in fixtures.enumerated() {
            processes.append(
                try fixture.start(
                    fixture.runArguments(["--scenarios", "cold,warm"] + engines[index]), name: "runner\(index)"))
        }
        var exits: [Int32?] = []
        for process in processes { exits.append(await Self.reap(process, seconds: 900)) }
        for process in processes where process.isRunning { process.terminate() }
        for (index, fixture) in fixtures.enumerated() {
            #expect(exits[index] == 0, "runner \(index): \(fixture.output(of: "runner\(index)"))")
        }

        var runs: [RunRecord] = []
        for fixture in fixtures { runs.append(try #require(try fixture.storedRuns().first)) }
        for run in runs {
            #expect(run.status == .completed, "\(run.errors)")
            #expect(run.trials.count == 6 && run.trials.allSatisfy(\.succeeded), "\(run.trials.map(\.failure))")
            #expect(run.builds.filter(\.succeeded).count == 4, "cold and warm, both drivers")
        }
        #expect(runs[1].environment.engineHost?.endpoint == proxy.url)
        #expect(runs[2].environment.engineHost?.endpoint.hasPrefix("ssh://root@127.0.0.1") == true)
        #expect(Set(runs.compactMap { $0.environment.engineHost?.id }).count == 1, "one engine")
        // Each run measured images of its own (builds of the same Dockerfile path, told apart by run).
        let ids = runs.map { Set($0.images.map(\.imageID)) }
        #expect(ids.allSatisfy { $0.count == 2 }, "\(ids)")
        #expect(ids[0].isDisjoint(with: ids[1]) && ids[0].isDisjoint(with: ids[2]) && ids[1].isDisjoint(with: ids[2]))
        // Every run's images stay as its kept images; no run's cleanup took another's.
        let kept = try await engine.imageTags(repository: KeptImages.repository(service: service))
        for run in runs {
            #expect(kept.filter { $0.hasSuffix(run.id) }.count == 2, "\(run.id): \(kept)")
        }
        // Nothing left behind: no container, no run tag.
        #expect(try await FaultFixture.containers(label: "\(ContainerLabels.service)=\(service)").isEmpty)
        #expect(try await engine.imageTags(repository: ImageTag.repository(service: service)).isEmpty)
        // The runners labelled what they made as theirs (the kept images carry the build's labels).
        var runners = Set<String>()
        for tag in kept where runs.contains(where: { tag.hasSuffix($0.id) }) {
            if let runner = try await engine.inspectImage(tag)?.config?.labels?[ContainerLabels.runner] {
                runners.insert(runner)
            }
        }
        #expect(runners.count == 3, "\(runners)")
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
