import ContainerBenchEngine
import ContainerBenchSupport
import Foundation
import Logging

/// Downloads the wheels that requirement files lock (`pip download --require-hashes --only-binary :all:`) into a
/// cache folder, once: pip skips files already there. pip runs in a throwaway container of the suite's Python base,
/// so the wheels match the interpreter and platform the images install into.
public struct WheelPrefetcher: Sendable {
    /// The docker client used to run the container.
    public var client: BuildKitClient
    public var endpoint: EngineEndpoint
    /// What the docker CLI is run with to reach the engine: the engine's own (`ContainerEngine.clientEnvironment`:
    /// through an ssh engine's tunnel, with its BatchMode and known hosts), never the CLI's own ssh.
    public var clientEnvironment: [String: String]
    /// A Python image of the suite (the base the services build from).
    public var baseImage: String
    public var logger: Logger

    /// Makes a prefetcher running pip in `baseImage` on `engine`.
    public init(client: BuildKitClient, engine: any ContainerEngine, baseImage: String, logger: Logger) {
        self.client = client
        self.endpoint = engine.endpoint
        self.clientEnvironment = engine.clientEnvironment
        self.baseImage = baseImage
        self.logger = logger
    }

    /// Downloads the wheels of every file in `requirements` into `cache` (created if missing).
    /// - Throws: `BuildError` naming the file and pip's last lines when a download fails.
    public func fetch(requirements: [URL], into cache: URL) async throws {
        do {
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        } catch {
            throw BuildError("could not create the wheel cache \(cache.path): \(error)")
        }
        for (index, file) in requirements.enumerated() {
            // Inputs reach the container as mounts; the script itself is fixed text.
            let arguments = [
                "run", "--rm", "--network", "host", "--label", "\(ContainerLabels.managed)=1",
                "--label", "\(ContainerLabels.runner)=\(RunnerIdentity.of(endpoint).id)",
                "--volume", "\(cache.path):/wheels", "--volume", "\(file.path):/requirements/\(index).txt:ro",
                "--entrypoint", "sh", baseImage, "-c",
                "python3 -m venv /tmp/pip && /tmp/pip/bin/pip download --disable-pip-version-check --quiet "
                    + "--require-hashes --only-binary :all: --dest /wheels -r /requirements/\(index).txt",
            ]
            logger.info("prefetching wheels", metadata: ["requirements": .string(file.path)])
            let result = try await ProcessRunner.run(
                client.executable, arguments, environment: clientEnvironment,
                combineOutput: true)
            guard result.succeeded else {
                throw BuildError(
                    "could not download the wheels of \(file.path) for --index local (pip in \(baseImage), exit "
                        + "\(result.exitCode)):\n\(result.tail(20))")
            }
        }
    }
}
