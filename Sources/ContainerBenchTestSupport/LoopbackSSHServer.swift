import ContainerBench
import Foundation

/// Debian's sshd on 127.0.0.1 with a configuration, host key, client key and known_hosts of the test's own (never
/// the system's sshd or root's ~/.ssh): the client reaches it with `-F clientConfig`. `docker system dial-stdio`
/// on the "remote" side reaches the shared engine. Stop it with `stop()` (also on failure).
public final class LoopbackSSHServer: @unchecked Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    /// The ssh configuration the client uses: the test's key, its known_hosts, BatchMode.
    public var clientConfig: String { directory.path + "/client_config" }

    /// `ssh://root@127.0.0.1:PORT` with the test's client configuration.
    public var endpoint: EngineEndpoint {
        EngineEndpoint(
            transport: .ssh(SSHDestination(user: "root", host: "127.0.0.1", port: port, configFile: clientConfig)))
    }

    private init(port: Int, directory: TemporaryDirectory, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Makes the keys and configuration, starts sshd in the foreground (`-D -e`) and waits until it accepts.
    /// - Throws: `RemoteEngineError` when openssh-server is missing or sshd does not start.
    public static func start() async throws -> LoopbackSSHServer {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
            let keygen = ProcessRunner.which("ssh-keygen")
        else {
            throw RemoteEngineError("sshd is missing: `apt-get install openssh-server` (make test does)")
        }
        let directory = try TemporaryDirectory("containerbench-sshd")
        let path = directory.path
        for (name, comment) in [("host_key", "host"), ("client_key", "client")] {
            let made = try await ProcessRunner.run(
                keygen,
                ["-q", "-t", "ed25519", "-N", "", "-C", "containerbench-test-\(comment)", "-f", "\(path)/\(name)"])
            guard made.succeeded else { throw RemoteEngineError("ssh-keygen failed: \(made.tail(3))") }
        }
        guard let port = HTTPReadinessProbe.freePort() else { throw RemoteEngineError("no free port on 127.0.0.1") }
        let hostKey = try String(contentsOfFile: "\(path)/host_key.pub", encoding: .utf8).split(separator: " ")
        try FileManager.default.copyItem(atPath: "\(path)/client_key.pub", toPath: "\(path)/authorized_keys")
        try directory.write("known_hosts", "[127.0.0.1]:\(port) \(hostKey[0]) \(hostKey[1])\n")
        try directory.write(
            "sshd_config",
            """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(path)/host_key
            PidFile \(path)/sshd.pid
            AuthorizedKeysFile \(path)/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            AllowTcpForwarding no
            X11Forwarding no

            """)
        try directory.write(
            "client_config",
            """
            Host 127.0.0.1
                User root
                Port \(port)
                IdentityFile \(path)/client_key
                IdentitiesOnly yes
                UserKnownHostsFile \(path)/known_hosts
                StrictHostKeyChecking yes
                BatchMode yes

            """)
        // sshd's privilege separation needs this directory (the package's service would make it).
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/sshd")
        process.arguments = ["-D", "-e", "-f", "\(path)/sshd_config"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: try directory.write("sshd.log", "")))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let server = LoopbackSSHServer(port: port, directory: directory, process: process)
        let up = await RemoteEngines.eventually(seconds: 10) { HTTPReadinessProbe.portAnswers(port) }
        guard up, process.isRunning else {
            let text = (try? String(contentsOfFile: "\(path)/sshd.log", encoding: .utf8)) ?? ""
            server.stop()
            throw RemoteEngineError("sshd did not start on 127.0.0.1:\(port): \(text.suffix(500))")
        }
        return server
    }

    /// Stops sshd (and so its sessions) and removes its files.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }
}
