import ContainerBench
import Foundation

/// `podman system service` on a socket of the test's own, with its own storage (root, run root), TMPDIR (so
/// Buildah's cache mounts are the test's) and containers.conf (file event log, cgroupfs, and ulimits this host
/// lets a container set). Storage persists under /tmp/containerbench-podman between runs, so base images are
/// loaded once. Stop it with `stop()` (also on failure).
public final class PodmanService: @unchecked Sendable {
    public static let root = "/tmp/containerbench-podman"
    public static var socket: String { root + "/podman.sock" }
    private let process: Process

    /// `unix://…/podman.sock`.
    public var endpoint: EngineEndpoint { EngineEndpoint(socketPath: Self.socket) }

    /// Buildah's cache-mount directory of this service.
    public var cacheMountDirectory: String { Self.root + "/tmp/buildah-cache" }

    private init(process: Process) {
        self.process = process
    }

    /// Starts the service, waits until it answers, and loads `images` from the shared engine when missing.
    /// - Throws: `RemoteEngineError` when podman is missing or the service does not answer.
    public static func start(loading images: [String]) async throws -> PodmanService {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/podman") else {
            throw RemoteEngineError("podman is missing: `apt-get install podman` (make test does)")
        }
        let files = FileManager.default
        for sub in ["", "/storage", "/run", "/tmp"] {
            try files.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
        }
        try? files.removeItem(atPath: socket)
        // Podman raises its own limits and then asks runc for limits this sandbox may refuse ("error setting
        // rlimit"): pin them to what this process has (nproc at most Podman's own 32768).
        var openFiles = rlimit()
        var processes = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &openFiles)
        // RLIMIT_NPROC (6) is a macro Swift does not import.
        getrlimit(__rlimit_resource_t(6), &processes)
        let nofile = min(UInt64(openFiles.rlim_max), 1_048_576)
        let nproc = min(UInt64(processes.rlim_max), 32768)
        try """
        [containers]
        default_ulimits = ["nofile=\(nofile):\(nofile)", "nproc=\(nproc):\(nproc)"]
        [engine]
        events_logger = "file"
        cgroup_manager = "cgroupfs"

        """.write(toFile: root + "/containers.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/podman")
        process.arguments = [
            "--root", root + "/storage", "--runroot", root + "/run", "system", "service", "--time=0",
            "unix://\(socket)",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["CONTAINERS_CONF"] = root + "/containers.conf"
        environment["TMPDIR"] = root + "/tmp"
        process.environment = environment
        let log = root + "/service.log"
        if !files.fileExists(atPath: log) { files.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let service = PodmanService(process: process)
        let up = await RemoteEngines.eventually(seconds: 30) {
            guard let client = try? DockerEngine(socketPath: socket) else { return false }
            return (try? await client.connect()) != nil
        }
        guard up else {
            service.stop()
            throw RemoteEngineError("the Podman service did not answer on \(socket); see \(log)")
        }
        do {
            try await RemoteEngines.copyImages(images, to: [:], podman: socket)
        } catch {
            service.stop()
            throw error
        }
        return service
    }

    /// SIGTERM and wait (the service stops its own containers' monitors).
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
