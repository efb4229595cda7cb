import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// Builds images with `podman build` (Buildah) against a Podman service: Podman's Docker-compatible API has no
/// BuildKit, so a Podman engine always builds this way. The same inputs as BuildKit builds (context copies for the
/// scenarios, base images mapped to stand-ins), plus what Buildah 1.28 needs (`BuildahDockerfileAdapter`), and
/// `--format docker` so that HEALTHCHECK is kept (the OCI format drops it).
///
/// What it cannot time as BuildKit does: Buildah prints no step durations, so a step's time is the time between
/// its STEP line and the next one as they arrived (`BuildahLogParser`). "cold" builds use `--no-cache`, and empty
/// Buildah's cache-mount directory only when it is known (`cacheMountDirectory`, a local service's); otherwise
/// cache mounts survive and the log says so.
public struct PodmanImageBuilder: ImageBuilder {
    /// The `podman` executable.
    public var executable: String
    /// `podman --version`'s version.
    public var version: String
    /// The Podman service's socket (`--remote --url unix://…`), where images land and RUN steps execute.
    public var socketPath: String
    /// Buildah's `--mount=type=cache` directory on the service's host (`$TMPDIR/buildah-cache`, by default
    /// /var/tmp/buildah-cache), emptied before cold builds; nil leaves cache mounts in place.
    public var cacheMountDirectory: String?
    /// The engine (for base-image lookups); its images are the service's.
    public var engine: any ContainerEngine
    public var logger: Logger

    /// A builder with `podman` at `executable` for the service at `socketPath`.
    public init(
        executable: String, version: String, socketPath: String, cacheMountDirectory: String?,
        engine: any ContainerEngine, logger: Logger
    ) {
        self.executable = executable
        self.version = version
        self.socketPath = socketPath
        self.cacheMountDirectory = cacheMountDirectory
        self.engine = engine
        self.logger = logger
    }

    /// Finds `podman` (PATH, /usr/bin) for a Podman engine reached over its unix socket.
    /// - Parameter cacheMountDirectory: Buildah's cache-mount directory; nil picks /var/tmp/buildah-cache when the
    ///   service runs here with the default TMPDIR.
    /// - Throws: `BuildError` when the engine is not reached over a unix socket or no podman client is installed.
    public static func discover(
        engine: any ContainerEngine, cacheMountDirectory: String? = nil, logger: Logger
    ) async throws -> PodmanImageBuilder {
        guard let socket = engine.endpoint.socketPath else {
            throw BuildError(
                "builds on a Podman engine run `podman --remote build` through the service's unix socket; "
                    + "\(engine.endpoint) is not one: run containerbench on the Podman host")
        }
        guard let podman = ProcessRunner.which("podman") ?? ProcessRunner.which("/usr/bin/podman") else {
            throw BuildError(
                "the engine is Podman but no podman client is installed to build with: `apt-get install podman`")
        }
        let result = try? await ProcessRunner.run(podman, ["--version"])
        let version =
            result.flatMap { $0.succeeded ? $0.output : nil }?.split(separator: " ").last
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "?"
        return PodmanImageBuilder(
            executable: podman, version: version, socketPath: socket,
            cacheMountDirectory: cacheMountDirectory ?? "/var/tmp/buildah-cache", engine: engine, logger: logger)
    }

    public var clientDescription: String { "\(executable) \(version) (podman build, Buildah)" }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        // The same context copies and base-image mapping as BuildKit builds.
        let inputs = BuildKitImageBuilder(
            client: BuildKitClient(executable: executable, version: version, mode: .builtin), engine: engine,
            logger: logger)
        let context = try inputs.prepareContext(request)
        let dockerfile = try adapted(try await inputs.prepareDockerfile(request), request: request)
        if request.scenario == .cold {
            removeOwnCacheDirectories(
                keeping: request.settings.cacheScopes.current, scopes: request.settings.cacheScopes)
        }
        let iidFile = request.settings.workDirectory.appendingPathComponent(
            "\(request.service.name)-\(request.driver.name).podman.iid")
        try? FileManager.default.removeItem(at: iidFile)
        var arguments = [
            "--remote", "--url", "unix://\(socketPath)", "build", "--format", "docker", "--network", "host",
            "--file", dockerfile.path, "--tag", request.tag,
            "--label", "\(ContainerLabels.managed)=1", "--label", "\(ContainerLabels.run)=\(request.runID)",
            "--label", "\(ContainerLabels.runner)=\(engine.runner.id)",
            "--label", "\(ContainerLabels.service)=\(request.service.name)",
            "--label", "\(ContainerLabels.driver)=\(request.driver.name)", "--iidfile", iidFile.path,
        ]
        if request.scenario == .cold { arguments.append("--no-cache") }
        for (key, value) in request.driver.buildArgs.sorted(by: { $0.key < $1.key }) {
            arguments += ["--build-arg", "\(key)=\(value)"]
        }
        for secret in request.settings.secrets { arguments += ["--secret", secret.argument] }
        arguments.append(context.path)
        let redactor = request.settings.redactor
        logger.debug(
            "podman build", metadata: ["arguments": .string(redactor.redact(arguments.joined(separator: " ")))])
        let (executable, start, command) = (self.executable, MonotonicClock.now(), arguments)
        let run = try await runOnBackgroundThread { () throws -> TimedOutput in
            try TimedOutput.run(executable, command)
        }
        let seconds = MonotonicClock.now() - start
        let steps = BuildahLogParser.steps(run.lines)
        let imageID = (try? String(contentsOf: iidFile, encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        if run.exitCode == 0, let imageID, !imageID.isEmpty {
            return BuildRecord(
                service: request.service.name, driver: request.driver.name, scenario: request.scenario,
                seconds: seconds, succeeded: true, imageID: imageID, steps: steps)
        }
        return BuildRecord(
            service: request.service.name, driver: request.driver.name, scenario: request.scenario, seconds: seconds,
            succeeded: false, steps: steps,
            logTail: redactor.redact(run.lines.suffix(40).map { $0.text }.joined(separator: "\n")))
    }

    /// A copy of `dockerfile` adapted for Buildah, or `dockerfile` itself when nothing needs changing.
    private func adapted(_ dockerfile: URL, request: BuildRequest) throws -> URL {
        guard let text = try? String(contentsOf: dockerfile, encoding: .utf8) else {
            throw BuildError("cannot read the Dockerfile \(dockerfile.path)")
        }
        let adapted = BuildahDockerfileAdapter.absoluteMountTargets(text)
        guard adapted != text else { return dockerfile }
        let copy = request.settings.workDirectory.appendingPathComponent(
            "\(request.service.name)-\(request.driver.name)-\(request.scenario.rawValue).buildah.Dockerfile")
        do {
            try adapted.write(to: copy, atomically: true, encoding: .utf8)
        } catch {
            throw BuildError("could not write the Buildah copy of the Dockerfile \(copy.path): \(error)")
        }
        return copy
    }

    /// Removes this runner's cache directories of earlier scopes (never another runner's, never this run's):
    /// a cold build starts from a fresh scope (`CacheMountScoping`), so nothing needs emptying for it to be cold.
    /// Each entry is checked first: a real directory (not a symlink), owned by this user, named by this runner's
    /// scope.
    private func removeOwnCacheDirectories(keeping current: Set<String>, scopes: CacheScopes) {
        guard let directory = cacheMountDirectory else { return }
        var folder = stat()
        guard lstat(directory, &folder) == 0, folder.st_mode & S_IFMT == S_IFDIR, folder.st_uid == getuid() else {
            logger.warning("Buildah's cache directory \(directory) is not a directory of this user: left alone")
            return
        }
        let files = FileManager.default
        for entry in (try? files.contentsOfDirectory(atPath: directory)) ?? [] where scopes.isOwn(entry) {
            guard !current.contains(where: { entry.hasPrefix($0 + "-") }) else { continue }
            let path = directory + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { continue }
            try? files.removeItem(atPath: path)
        }
    }
}

/// A child's combined output, each line stamped with the monotonic time it arrived (blocking: run it off the
/// cooperative pool).
struct TimedOutput: Sendable {
    var exitCode: Int32
    var lines: [(time: Double, text: String)]

    static func run(_ executable: String, _ arguments: [String]) throws -> TimedOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BuildError("could not run \(executable): \(error)")
        }
        let reader = pipe.fileHandleForReading
        var lines: [(time: Double, text: String)] = []
        var pending = Data()
        while true {
            let chunk = reader.availableData
            let now = MonotonicClock.now()
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                lines.append((now, String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)))
                pending.removeSubrange(pending.startIndex...newline)
            }
            // Bounded: a runaway build log keeps its last 20,000 lines.
            if lines.count > 40_000 { lines.removeFirst(20_000) }
        }
        if !pending.isEmpty { lines.append((MonotonicClock.now(), String(decoding: pending, as: UTF8.self))) }
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return TimedOutput(exitCode: status, lines: lines)
    }
}
