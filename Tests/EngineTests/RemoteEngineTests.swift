import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The run session's conformance bodies (the ones the in-memory rig and the shared dockerd pass) on every other
/// kind of engine, each a real server on loopback started and stopped by the test: a dockerd of the tests' own on
/// tcp://127.0.0.1 with --tlsverify, the shared dockerd through Debian's sshd on 127.0.0.1, and Podman's service.
/// In CI a missing part fails these tests; elsewhere they run when podman, sshd and openssl are installed.
@Suite("Remote engines and Podman (conformance)", .serialized, .enabled(if: RemoteEngines.required))
struct RemoteEngineTests {
    @Test("trials alternate, phases are in order, nothing is left, and the stages run in order (tcp+TLS)")
    func tlsEngine() async throws {
        let server = try await TLSDockerd.start(loading: RemoteEngines.baseImages)
        defer { server.stop() }
        let engine = try DockerEngine(endpoint: server.endpoint)
        let checks = await Doctor.run(
            endpoint: server.endpoint, suitePath: "benchmarks/suite.yaml", historyPath: "/tmp/x")
        #expect(checks.first { $0.name == "engine address" }?.detail.contains("TCP with verified TLS") == true)
        #expect(checks.first { $0.name == "engine" }?.detail.hasPrefix("Docker 20.") == true, "\(checks)")
        #expect(checks.first { $0.name == "cgroup" }?.detail.contains("helper container") == true)
        do {
            let rig = try await SessionRig.remote(.dockerTLS, engine: engine)
            let record = try await SessionConformance.interleavedTrialsLeaveNothingBehind(rig)
            try checkRemote(record, endpointPrefix: "tcp://127.0.0.1:\(server.port)")
            try await SessionConformance.stagesRunInOrder(rig)
        }
        // The memory helper went with its sampler.
        #expect(try await engine.containers(withLabel: "io.containerbench.helper=memory-sampler").isEmpty)
    }

    @Test("the same bodies through ssh … docker system dial-stdio (ssh://root@127.0.0.1)")
    func sshEngine() async throws {
        let server = try await LoopbackSSHServer.start()
        defer { server.stop() }
        let engine = try DockerEngine(endpoint: server.endpoint)
        let rig = try await SessionRig.remote(.dockerSSH, engine: engine)
        #expect(engine.clientEnvironment["DOCKER_HOST"]?.hasPrefix("unix:///tmp/containerbench-ssh-") == true)
        let record = try await SessionConformance.interleavedTrialsLeaveNothingBehind(rig)
        try checkRemote(record, endpointPrefix: "ssh://root@127.0.0.1:\(server.port)")
        try await SessionConformance.stagesRunInOrder(rig)
    }

    @Test("the same bodies on Podman's Docker-compatible API, built with podman build (both drivers)")
    func podmanEngine() async throws {
        let service = try await PodmanService.start(loading: RemoteEngines.baseImages)
        defer { service.stop() }
        let engine = try DockerEngine(endpoint: service.endpoint)
        #expect(try await engine.version().kind == .podman)
        // doctor says which engine answered and what it lacks.
        let checks = await Doctor.run(
            endpoint: service.endpoint, suitePath: "benchmarks/suite.yaml", historyPath: "/tmp/x")
        let engineCheck = try #require(checks.first { $0.name == "engine" })
        #expect(engineCheck.ok && engineCheck.detail.hasPrefix("Podman 4."), "\(engineCheck.detail)")
        #expect(checks.contains { $0.name == "builder" && $0.ok && $0.detail.contains("podman build") })
        #expect(checks.contains { $0.name == "podman: builds" && !$0.ok && !$0.required })
        if !FileManager.default.fileExists(atPath: "/run/systemd/private") {
            #expect(checks.contains { $0.name == "podman: HEALTHCHECK" && !$0.required })
        }
        let builder = try await PodmanImageBuilder.discover(
            engine: engine, cacheMountDirectory: service.cacheMountDirectory, logger: .init(label: "podman"))
        let rig = try await SessionRig.remote(.podman, engine: engine, builder: builder)
        let record = try await SessionConformance.interleavedTrialsLeaveNothingBehind(rig)
        #expect(record.environment.engineHost?.kind == "podman")
        #expect(record.environment.buildClient.contains("podman build"))
        for build in record.builds {
            #expect(build.installSeconds != nil, "Buildah's STEP lines name the install step: \(build.steps)")
        }
        for trial in record.trials {
            // Local: cgroup files in Podman's layout (libpod_parent/libpod-<id> here), probes on 127.0.0.1.
            #expect(trial.provenance?.memorySource == .cgroupFiles)
            #expect(trial.provenance?.probeOrigin == .engineHost)
        }
        try await SessionConformance.stagesRunInOrder(rig)
    }

    /// What a remote engine's trials and fingerprint must say: the probe crossed the network, memory came from the
    /// engine host's cgroup files through the helper container, and the fingerprint names the engine's host.
    private func checkRemote(_ record: RunRecord, endpointPrefix: String) throws {
        let host = try #require(record.environment.engineHost)
        #expect(host.endpoint.hasPrefix(endpointPrefix), "\(host.endpoint)")
        #expect(!host.isLocal && host.kind == "docker" && host.cpus > 0 && !host.kernel.isEmpty)
        #expect(record.environment.kernel == host.kernel)
        for trial in record.trials {
            let provenance = try #require(trial.provenance)
            #expect(provenance.probeOrigin == .acrossNetwork)
            #expect(provenance.memorySource == .helperContainer)
            #expect(provenance.memoryIntervalSeconds == 0.025)
            let memory = try #require(trial.memory)
            #expect(memory.peakBytes > 5_000_000 && memory.peakBytes < 500_000_000, "\(memory)")
            // The helper's stream starts a few hundred ms after the start call (an exec, Python, and over ssh a new
            // ssh connection), so a 0.5 s window may see only a few lines; the kernel's peak covers the rest.
            #expect(memory.sampleCount >= 1, "\(memory)")
        }
    }
}
