import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Engine addresses from flags and the environment, as the docker CLI reads them, and every way one is refused.
@Suite("Engine endpoints")
struct EngineEndpointTests {
    @Test func defaultsToTheLocalSocket() throws {
        let endpoint = try EngineEndpoint.resolve(environment: [:])
        #expect(endpoint.socketPath == "/var/run/docker.sock")
        #expect(endpoint.isLocal && endpoint.serviceHost == "127.0.0.1")
        #expect(endpoint.clientEnvironment == ["DOCKER_HOST": "unix:///var/run/docker.sock"])
    }

    @Test func tcpWithTLSFromTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["ca.pem", "cert.pem", "key.pem"] { try directory.write(name, "x") }
        let endpoint = try EngineEndpoint.resolve(environment: [
            "DOCKER_HOST": "tcp://bench-host:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": directory.path,
        ])
        #expect(
            endpoint.transport == .tcp(host: "bench-host", port: 2376, tls: EngineTLSFiles(directory: directory.path)))
        #expect(!endpoint.isLocal && endpoint.serviceHost == "bench-host")
        #expect(endpoint.description == "tcp://bench-host:2376 (TLS)")
        #expect(
            endpoint.clientEnvironment == [
                "DOCKER_HOST": "tcp://bench-host:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": directory.path,
            ])
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tls = EngineTLSFiles(
            caFile: try directory.write("my-ca.crt", "x"), certFile: try directory.write("me.crt", "x"),
            keyFile: try directory.write("me.key", "x"))
        let endpoint = try EngineEndpoint.resolve(
            url: "tcp://127.0.0.1:12376", tls: tls, environment: ["DOCKER_HOST": "unix:///elsewhere.sock"])
        #expect(endpoint.transport == .tcp(host: "127.0.0.1", port: 12376, tls: tls))
        #expect(!tls.usesDockerFileNames, "the engine links them as ca.pem/cert.pem/key.pem for the CLI")
    }

    @Test("plain tcp:// is refused unless asked for (--engine-insecure or CONTAINERBENCH_ENGINE_INSECURE=1)")
    func plainTCPWithoutTLSVerify() throws {
        for (url, environment) in [
            (nil, ["DOCKER_HOST": "tcp://127.0.0.1:2375"]), ("tcp://127.0.0.1:2375", [:]),
            ("tcp://127.0.0.1:2375", ["DOCKER_TLS_VERIFY": "0"]),
        ] {
            let refused = try #require(throws: EngineError.self) {
                try EngineEndpoint.resolve(url: url, environment: environment)
            }
            #expect(refused.code == .badEndpoint && refused.message.contains("--engine-insecure"), "\(refused)")
        }
        let endpoint = try EngineEndpoint.resolve(
            environment: ["DOCKER_HOST": "tcp://127.0.0.1:2375"].merging(
                ["CONTAINERBENCH_ENGINE_INSECURE": "1"]) { a, _ in a })
        #expect(endpoint.transport == .tcp(host: "127.0.0.1", port: 2375, tls: nil))
        #expect(endpoint.clientEnvironment == ["DOCKER_HOST": "tcp://127.0.0.1:2375"])
        let flagged = try EngineEndpoint.resolve(url: "tcp://127.0.0.1:2375", insecure: true, environment: [:])
        #expect(flagged.transport == .tcp(host: "127.0.0.1", port: 2375, tls: nil))
    }

    @Test("--engine tcp:// reads DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does")
    func engineFlagReadsTLSVerify() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["ca.pem", "cert.pem", "key.pem"] { try directory.write(name, "x") }
        let endpoint = try EngineEndpoint.resolve(
            url: "tcp://bench-host:2376", environment: ["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": directory.path])
        #expect(
            endpoint.transport == .tcp(host: "bench-host", port: 2376, tls: EngineTLSFiles(directory: directory.path)))
        // ssh never accepts an unknown host key, whatever ~/.ssh/config says.
        let ssh = SSHDestination(host: "bench-host")
        #expect(ssh.dialArguments.contains("StrictHostKeyChecking=yes"))
    }

    @Test func sshDestinationsAndTheirArguments() throws {
        let endpoint = try EngineEndpoint.resolve(
            url: "ssh://bench@bench-host:2222", sshConfig: "/etc/cb/ssh_config", environment: [:])
        guard case .ssh(let destination) = endpoint.transport else {
            Issue.record("not ssh: \(endpoint)")
            return
        }
        #expect(
            destination
                == SSHDestination(user: "bench", host: "bench-host", port: 2222, configFile: "/etc/cb/ssh_config"))
        #expect(
            destination.dialArguments == [
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10", "-T", "-F",
                "/etc/cb/ssh_config", "-l", "bench", "-p", "2222", "--", "bench-host", "docker", "system", "dial-stdio",
            ])
        #expect(endpoint.dockerHost == "ssh://bench@bench-host:2222")
        let plain = try EngineEndpoint.resolve(environment: ["DOCKER_HOST": "ssh://host"])
        #expect(plain.transport == .ssh(SSHDestination(host: "host")))
    }

    @Test(arguments: [
        ("http://host:2375", EngineError.Code.badEndpoint, "not an engine address"),
        ("tcp://host", .badEndpoint, "has no port"),
        ("tcp://host:99999", .badEndpoint, "invalid port"),
        ("ssh://-oProxyCommand=x", .badEndpoint, "no valid host"),
        ("ssh://@host", .badEndpoint, "empty or invalid user"),
        ("ssh://host/var/run/docker.sock", .badEndpoint, "names a socket path"),
        ("unix://relative.sock", .badEndpoint, "absolute socket path"),
    ])
    func refusedAddresses(url: String, code: EngineError.Code, message: String) {
        #expect {
            try EngineEndpoint.resolve(url: url, environment: [:])
        } throws: { error in
            guard let error = error as? EngineError else { return false }
            return error.code == code && error.message.contains(message)
        }
    }

    @Test func missingCertificatesAreATLSError() {
        #expect {
            try EngineEndpoint.resolve(environment: [
                "DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/nonexistent",
            ])
        } throws: { error in
            (error as? EngineError)?.code == .tls
                && (error as? EngineError)?.message.contains("/nonexistent/ca.pem does not exist") == true
        }
    }

    @Test func tlsFlagsNeedATCPEngine() {
        #expect(throws: EngineError.self) {
            try EngineEndpoint.resolve(
                tls: EngineTLSFiles(directory: "/x"), environment: ["DOCKER_HOST": "unix:///var/run/docker.sock"])
        }
    }
}
