import ContainerBench
import Foundation
import Synchronization

/// A second dockerd of the tests' own, listening only on `tcp://127.0.0.1:PORT` with `--tlsverify` (its own data
/// root, exec root and pid file under /tmp/containerbench-tls-engine*), so the shared engine is never touched. The
/// data root persists between runs, so the base images are loaded once. Stop it with `stop()` (also on failure).
public final class TLSDockerd: @unchecked Sendable {
    public static let root = "/tmp/containerbench-tls-engine"
    public let port: Int
    public let certificates: TestCertificates
    private let process: Process
    /// Held from start to stop: one TLS dockerd at a time owns the roots (suites may run in parallel).
    private let lock: Int32
    private let stopped = Mutex(false)

    /// `tcp://127.0.0.1:PORT` with the client's certificates.
    public var endpoint: EngineEndpoint {
        EngineEndpoint(transport: .tcp(host: "127.0.0.1", port: port, tls: certificates.client))
    }

    private init(port: Int, certificates: TestCertificates, process: Process, lock: Int32) {
        self.port = port
        self.certificates = certificates
        self.process = process
        self.lock = lock
    }

    /// Takes the roots' lock (a file lock, so other test processes wait too), polling for up to 20 minutes.
    private static func takeLock() async throws -> Int32 {
        let fd = open(root + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RemoteEngineError("could not open \(root).lock") }
        for _ in 0..<12_000 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            try? await Task.sleep(for: .milliseconds(100))
        }
        close(fd)
        throw RemoteEngineError("another test held the TLS dockerd's roots for 20 minutes (\(root).lock)")
    }

    /// Makes certificates, starts dockerd, waits (up to 60 s) until it answers over TLS, and loads `images` from
    /// the shared engine when missing.
    /// - Throws: `RemoteEngineError` when dockerd or openssl is missing, or the engine does not answer.
    public static func start(loading images: [String]) async throws -> TLSDockerd {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd") else {
            throw RemoteEngineError("/usr/sbin/dockerd is missing: `apt-get install docker.io` (make setup does)")
        }
        let lock = try await takeLock()
        let certificates: TestCertificates
        do {
            certificates = try await TestCertificates.make(in: root + "-certs")
        } catch {
            close(lock)
            throw error
        }
        guard let port = HTTPReadinessProbe.freePort() else {
            close(lock)
            throw RemoteEngineError("no free port on 127.0.0.1")
        }
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
        do {
            try process.run()
        } catch {
            close(lock)
            throw error
        }
        let engine = TLSDockerd(port: port, certificates: certificates, process: process, lock: lock)
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
        guard
            !stopped.withLock({ was in
                defer { was = true }; return was
            })
        else { return }
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        Self.unmountRoots()
        close(lock)
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
