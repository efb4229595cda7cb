import ContainerBench
import Foundation

/// A second dockerd of the tests' own, listening only on `tcp://127.0.0.1:PORT` with `--tlsverify` (its own data
/// root, exec root and pid file under /tmp/containerbench-tls-engine*), so the shared engine is never touched. The
/// data root persists between runs, so the base images are loaded once. Stop it with `stop()` (also on failure).
public final class TLSDockerd: @unchecked Sendable {
    public static let root = "/tmp/containerbench-tls-engine"
    public let port: Int
    public let certificates: TestCertificates
    private let process: Process

    /// `tcp://127.0.0.1:PORT` with the client's certificates.
    public var endpoint: EngineEndpoint {
        EngineEndpoint(transport: .tcp(host: "127.0.0.1", port: port, tls: certificates.client))
    }

    private init(port: Int, certificates: TestCertificates, process: Process) {
        self.port = port
        self.certificates = certificates
        self.process = process
    }

    /// Makes certificates, starts dockerd, waits (up to 60 s) until it answers over TLS, and loads `images` from
    /// the shared engine when missing.
    /// - Throws: `RemoteEngineError` when dockerd or openssl is missing, or the engine does not answer.
    public static func start(loading images: [String]) async throws -> TLSDockerd {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd") else {
            throw RemoteEngineError("/usr/sbin/dockerd is missing: `apt-get install docker.io` (make setup does)")
        }
        let certificates = try await TestCertificates.make(in: root + "-certs")
        guard let port = HTTPReadinessProbe.freePort() else { throw RemoteEngineError("no free port on 127.0.0.1") }
        clearStaleContainerd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
        process.arguments = [
            "-H", "tcp://127.0.0.1:\(port)", "--tlsverify", "--tlscacert", certificates.caFile, "--tlscert",
            certificates.serverCert, "--tlskey", certificates.serverKey, "--data-root", root + "-data",
            "--exec-root", root + "-exec", "--pidfile", root + ".pid", "--bridge=none", "--iptables=false",
        ]
        let log = root + ".log"
        if !FileManager.default.fileExists(atPath: log) { FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let engine = TLSDockerd(port: port, certificates: certificates, process: process)
        let up = await RemoteEngines.eventually(seconds: 60) {
            guard let client = try? DockerEngine(endpoint: engine.endpoint) else { return false }
            return (try? await client.connect()) != nil
        }
        guard up else {
            engine.stop()
            throw RemoteEngineError("the TLS dockerd did not answer on tcp://127.0.0.1:\(port); see \(log)")
        }
        do {
            try await RemoteEngines.copyImages(images, to: engine.endpoint.clientEnvironment)
        } catch {
            engine.stop()
            throw error
        }
        return engine
    }

    /// SIGTERM, wait up to 30 s (then SIGKILL), and undo dockerd's mounts of its roots.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        Self.unmountRoots()
    }

    /// dockerd leaves its private bind mount of the data root and the default netns mount behind.
    private static func unmountRoots() {
        for mountPoint in [root + "-exec/netns/default", root + "-data"] {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            umount.standardError = FileHandle.nullDevice
            try? umount.run()
            umount.waitUntilExit()
        }
    }

    /// A dockerd or containerd left by a crashed run of ours would hold the roots: end each only when its command
    /// line names our roots.
    private static func clearStaleContainerd() {
        if let text = try? String(contentsOfFile: root + ".pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
            String(decoding: commandLine, as: UTF8.self).contains(root + "-data")
        {
            kill(pid, SIGTERM)
            for _ in 0..<600 where kill(pid, 0) == 0 { usleep(50_000) }
            unmountRoots()
        }
        let pidFile = root + "-exec/containerd/containerd.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map {
            String(decoding: $0, as: UTF8.self)
        }
        if let commandLine, commandLine.hasPrefix("containerd"), commandLine.contains(root + "-exec") {
            kill(pid, SIGKILL)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(atPath: pidFile)
    }
}
