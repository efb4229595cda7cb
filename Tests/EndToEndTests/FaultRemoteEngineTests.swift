import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Remote engines through the built binary: the fixture measured end to end over tcp+TLS, and each way of not
/// reaching an engine (wrong certificate, none, a missing file, ssh refused, no Podman service) is exit 4 with a
/// message that says what to fix.
@Suite("Faults: remote engines", .serialized, .enabled(if: RemoteEngines.required))
struct FaultRemoteEngineTests {
    @Test("run over tcp+TLS measures the fixture end to end; wrong, missing or no certificates are exit 4")
    func tlsRunAndCertificateFaults() async throws {
        let server = try await TLSDockerd.start(loading: RemoteEngines.baseImages)
        defer { server.stop() }
        let scratch = try TemporaryDirectory("containerbench-tls-run")
        defer { scratch.remove() }
        let url = "tcp://127.0.0.1:\(server.port)"
        let client = server.certificates.client
        let run = try await Binary.run([
            "run", "--engine", url, "--tls-ca", client.caFile, "--tls-cert", client.certFile, "--tls-key",
            client.keyFile, "--suite", "benchmarks/suite.yaml", "--service", "fixture", "--trials", "2",
            "--scenarios", "cold", "--baseline", "none", "--history", scratch.path + "/history.sqlite",
            "--results-dir", scratch.path + "/runs", "--quiet",
        ])
        #expect(run.exitCode == 0, "\(run.output)\n\(run.error)")
        let store = try SQLiteHistoryStore(path: scratch.path + "/history.sqlite")
        let row = try #require(try store.runs().first)
        let stored = try #require(try store.run(id: row.id))
        #expect(stored.environment.engineHost?.endpoint == "\(url) (TLS)")
        #expect(stored.trials.allSatisfy { $0.provenance?.probeOrigin == .acrossNetwork })

        let wrong = server.certificates.wrong
        let refused = try await Binary.run([
            "doctor", "--engine", url, "--tls-ca", wrong.caFile, "--tls-cert", wrong.certFile, "--tls-key",
            wrong.keyFile,
        ])
        #expect(refused.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(refused.output.contains("TLS connection to \(url) failed"), "\(refused.output)")
        // Our CA trusts the engine, but the engine refuses a client certificate another CA signed.
        let foreign = try await Binary.run([
            "doctor", "--engine", url, "--tls-ca", client.caFile, "--tls-cert", wrong.certFile, "--tls-key",
            wrong.keyFile,
        ])
        #expect(foreign.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(foreign.output.contains("TLS connection to \(url) failed"), "\(foreign.output)")
        // Plain tcp:// is refused before anything is sent; asked for, the engine's own refusal is explained.
        let refusedPlain = try await Binary.run(["run", "--engine", url, "--suite", "benchmarks/suite.yaml"])
        #expect(refusedPlain.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(refusedPlain.error.contains("--engine-insecure"), "\(refusedPlain.error)")
        let plain = try await Binary.run([
            "run", "--engine", url, "--engine-insecure", "--suite", "benchmarks/suite.yaml",
        ])
        #expect(plain.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(plain.error.contains("answers only TLS"), "\(plain.error)")
        let missing = try await Binary.run(
            ["run", "--suite", "benchmarks/suite.yaml"],
            environment: ["DOCKER_HOST": url, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": scratch.path + "/none"])
        #expect(missing.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(missing.error.contains("does not exist or is not readable"), "\(missing.error)")
    }

    @Test("ssh refused and no Podman service are exit 4, naming the engine and what to check")
    func unreachableEngines() async throws {
        let port = try #require(HTTPReadinessProbe.freePort())
        let ssh = try await Binary.run([
            "run", "--engine", "ssh://root@127.0.0.1:\(port)", "--suite", "benchmarks/suite.yaml",
        ])
        #expect(ssh.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(ssh.error.contains("through ssh to ssh://root@127.0.0.1:\(port)"), "\(ssh.error)")
        #expect(ssh.error.contains("Connection refused"), "\(ssh.error)")
        let podman = try await Binary.run([
            "doctor", "--engine", "unix:///tmp/containerbench-no-podman/podman.sock",
        ])
        #expect(podman.exitCode == ExitStatus.infrastructureError.rawValue)
        #expect(podman.output.contains("does not exist"), "\(podman.output)")
    }
}
