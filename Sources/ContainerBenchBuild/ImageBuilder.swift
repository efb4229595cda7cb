import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// One build to make.
public struct BuildRequest: Sendable {
    public var service: ServiceSpec
    public var driver: DriverSpec
    public var scenario: BuildScenario
    /// The tag the image gets.
    public var tag: String
    public var runID: String

    public init(service: ServiceSpec, driver: DriverSpec, scenario: BuildScenario, tag: String, runID: String) {
        self.service = service
        self.driver = driver
        self.scenario = scenario
        self.tag = tag
        self.runID = runID
    }
}

/// Builds images through BuildKit with the CLI, timed as a whole and per step.
public struct ImageBuilder: Sendable {
    public var client: BuildKitClient
    public var socketPath: String
    /// Base images mapped to local stand-ins (only references not present locally are rewritten).
    public var baseImageMap: [String: String]
    /// Where temporary Dockerfiles and scenario contexts go; removed by the caller.
    public var workDirectory: URL
    public var logger: Logger
    /// A `LocalPackageIndex`'s base URL (`http://127.0.0.1:PORT`): contexts are copied and their lock files
    /// pointed at it (`LocalIndexContext`). Nil builds from PyPI.
    public var localIndex: String?

    public init(
        client: BuildKitClient, socketPath: String, baseImageMap: [String: String], workDirectory: URL,
        logger: Logger
    ) {
        self.client = client
        self.socketPath = socketPath
        self.baseImageMap = baseImageMap
        self.workDirectory = workDirectory
        self.logger = logger
    }

    /// Builds `request`; a failed build is a result (`succeeded == false`, with the log tail), not a throw.
    /// - Throws: `BuildError` when the build cannot even be started (Dockerfile unreadable, temp dir not writable).
    public func build(_ request: BuildRequest, engine: DockerEngine) async throws -> BuildRecord {
        let context = try prepareContext(request)
        let dockerfile = try await prepareDockerfile(request, engine: engine)
        if request.scenario == .cold {
            // Empty the installer caches (cache mounts) so that "cold" means nothing downloaded before.
            _ = try? await ProcessRunner.run(
                client.executable, ["builder", "prune", "--force", "--filter", "type=exec.cachemount"],
                environment: ["DOCKER_HOST": "unix://\(socketPath)"])
        }
        let iidFile = workDirectory.appendingPathComponent("\(request.service.name)-\(request.driver.name).iid")
        try? FileManager.default.removeItem(at: iidFile)
        var arguments =
            client.buildCommand.arguments + [
                "--network", "host", "--progress", "plain", "--file", dockerfile.path, "--tag", request.tag,
                "--label", "\(ContainerLabels.managed)=1", "--label", "\(ContainerLabels.run)=\(request.runID)",
                "--label", "\(ContainerLabels.service)=\(request.service.name)",
                "--label", "\(ContainerLabels.driver)=\(request.driver.name)",
                "--iidfile", iidFile.path,
            ]
        if request.scenario == .cold { arguments.append("--no-cache") }
        for (key, value) in request.driver.buildArgs.sorted(by: { $0.key < $1.key }) {
            arguments += ["--build-arg", "\(key)=\(value)"]
        }
        arguments.append(context.path)
        var environment = client.buildCommand.environment
        environment["DOCKER_HOST"] = "unix://\(socketPath)"
        logger.debug("build", metadata: ["arguments": .string(arguments.joined(separator: " "))])
        let start = MonotonicClock.now()
        let result = try await ProcessRunner.run(
            client.executable, arguments, environment: environment, combineOutput: true)
        let seconds = MonotonicClock.now() - start
        let steps = BuildLogParser.steps(result.output)
        let imageID = (try? String(contentsOf: iidFile, encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        if result.succeeded, let imageID, !imageID.isEmpty {
            return BuildRecord(
                service: request.service.name, driver: request.driver.name, scenario: request.scenario,
                seconds: seconds, succeeded: true, imageID: imageID, steps: steps)
        }
        return BuildRecord(
            service: request.service.name, driver: request.driver.name, scenario: request.scenario, seconds: seconds,
            succeeded: false, steps: steps, logTail: result.tail(40))
    }

    /// The context to build from: the service's own for cold and warm builds, a modified copy for the others.
    func prepareContext(_ request: BuildRequest) throws -> URL {
        let original = URL(fileURLWithPath: request.driver.context ?? request.service.context)
        let copy = workDirectory.appendingPathComponent(
            "context-\(request.service.name)-\(request.driver.name)-\(request.scenario.rawValue)")
        // Modified contexts are temporary copies: the user's files are never touched.
        func copyContext(purpose: String) throws {
            try? FileManager.default.removeItem(at: copy)
            do {
                try FileManager.default.copyItem(at: original, to: copy)
            } catch {
                throw BuildError("could not copy the context \(original.path) for \(purpose): \(error)")
            }
        }
        switch request.scenario {
        case .cold, .warm:
            guard let localIndex else { return original }
            try copyContext(purpose: "the local package index")
            try LocalIndexContext.rewrite(context: copy, baseURL: localIndex)
            return copy
        case .codeChange, .depsChange:
            try copyContext(purpose: "the \(request.scenario.rawValue) build")
            if request.scenario == .codeChange {
                guard !request.service.scenarios.codeChange.isEmpty else {
                    throw BuildError(
                        "service \(request.service.name) lists no scenarios.code_change files: cannot run code-change")
                }
                for file in request.service.scenarios.codeChange {
                    let url = copy.appendingPathComponent(file)
                    guard let handle = try? FileHandle(forWritingTo: url) else {
                        throw BuildError("code-change file \(file) is missing from \(original.path)")
                    }
                    handle.seekToEndOfFile()
                    handle.write(Data("\n# containerbench code-change \(request.runID)\n".utf8))
                    try? handle.close()
                }
            } else {
                guard !request.service.scenarios.depsChange.isEmpty else {
                    throw BuildError(
                        "service \(request.service.name) lists no scenarios.deps_change files: cannot run deps-change")
                }
                for (destination, replacement) in request.service.scenarios.depsChange {
                    let source = original.appendingPathComponent(replacement)
                    let target = copy.appendingPathComponent(destination)
                    guard let data = try? Data(contentsOf: source) else {
                        throw BuildError("deps-change file \(replacement) is missing from \(original.path)")
                    }
                    do { try data.write(to: target) } catch {
                        throw BuildError("could not write \(target.path): \(error)")
                    }
                }
            }
            if let localIndex { try LocalIndexContext.rewrite(context: copy, baseURL: localIndex) }
            return copy
        }
    }

    /// The Dockerfile to build with: the driver's own, or a copy with unavailable base images mapped.
    func prepareDockerfile(_ request: BuildRequest, engine: DockerEngine) async throws -> URL {
        let original = URL(fileURLWithPath: request.driver.dockerfile)
        guard let text = try? String(contentsOf: original, encoding: .utf8) else {
            throw BuildError(
                "cannot read the Dockerfile \(original.path) (service \(request.service.name), driver "
                    + "\(request.driver.name))")
        }
        var map: [String: String] = [:]
        for image in DockerfileRewriter.referencedImages(text) {
            guard let mapped = baseImageMap[image] else { continue }
            if (try? await engine.inspectImage(image)) ?? nil == nil { map[image] = mapped }
        }
        guard !map.isEmpty else { return original }
        let (rewritten, replacements) = DockerfileRewriter(map: map).rewrite(text)
        logger.info(
            "base images mapped",
            metadata: ["service": .string(request.service.name), "map": .string(replacements.joined(separator: ", "))])
        let copy = workDirectory.appendingPathComponent(
            "\(request.service.name)-\(request.driver.name)-\(request.scenario.rawValue).Dockerfile")
        do {
            try rewritten.write(to: copy, atomically: true, encoding: .utf8)
        } catch {
            throw BuildError("could not write the mapped Dockerfile \(copy.path): \(error)")
        }
        return copy
    }
}
