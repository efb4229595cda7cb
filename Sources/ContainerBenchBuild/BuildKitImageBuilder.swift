import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// What every build of a run shares: how bases are mapped, where temporary files go, which package index is used.
public struct BuildSettings: Sendable {
    /// Base images mapped to local stand-ins (only references not present locally are rewritten).
    public var baseImageMap: [String: String]
    /// Where temporary Dockerfiles and scenario contexts go; removed by the caller.
    public var workDirectory: URL
    /// A `LocalPackageIndex`'s base URL (`http://127.0.0.1:PORT`): contexts are copied and their lock files
    /// pointed at it (`LocalIndexContext`). Nil builds from PyPI.
    public var localIndex: String?
    /// BuildKit secrets passed to every build (`--secret`).
    public var secrets: [BuildSecret]
    /// Masks secrets in what the builder logs and keeps (its command line, its log tail).
    public var redactor: SecretRedactor
    /// The run's cache-mount scopes (`CacheMountScoping`).
    public var cacheScopes: CacheScopes

    /// Settings; see the properties. `runner` is the `RunnerIdentity.id` the cache mounts are scoped to.
    public init(
        baseImageMap: [String: String] = [:], workDirectory: URL, localIndex: String? = nil,
        secrets: [BuildSecret] = [], redactor: SecretRedactor = SecretRedactor(), runner: String = "local"
    ) {
        self.baseImageMap = baseImageMap
        self.workDirectory = workDirectory
        self.localIndex = localIndex
        self.secrets = secrets
        self.redactor = redactor
        self.cacheScopes = CacheScopes(runner: runner)
    }

    /// The settings of a run of `plan` by `runner`: its base-image map, its BuildKit secrets, its redactor and its
    /// cache-mount scopes.
    public init(run plan: RunPlan, workDirectory: URL, runner: String) {
        self.init(
            baseImageMap: plan.suite.baseImages, workDirectory: workDirectory, secrets: plan.buildSecrets,
            redactor: SecretRedactor(plan: plan), runner: runner)
    }
}

/// One build to make.
public struct BuildRequest: Sendable {
    public var service: ServiceSpec
    public var driver: DriverSpec
    public var scenario: BuildScenario
    /// The tag the image gets.
    public var tag: String
    public var runID: String
    public var settings: BuildSettings

    public init(
        service: ServiceSpec, driver: DriverSpec, scenario: BuildScenario, tag: String, runID: String,
        settings: BuildSettings
    ) {
        self.service = service
        self.driver = driver
        self.scenario = scenario
        self.tag = tag
        self.runID = runID
        self.settings = settings
    }
}

/// Builds images. The session's build stage speaks only this protocol; `BuildKitImageBuilder` implements it with
/// a BuildKit-capable docker CLI, and the test-support target has a builder that registers scripted images in the
/// in-memory engine.
public protocol ImageBuilder: Sendable {
    /// What builds (recorded in the environment fingerprint): the client, its version and mode.
    var clientDescription: String { get }

    /// Builds `request`; a failed build is a result (`succeeded == false`, with the log tail), not a throw.
    /// - Throws: `BuildError` when the build cannot even be started (Dockerfile unreadable, temp dir not writable).
    func build(_ request: BuildRequest) async throws -> BuildRecord
}

/// Builds images through BuildKit with the CLI, timed as a whole and per step.
public struct BuildKitImageBuilder: ImageBuilder {
    public var client: BuildKitClient
    /// The engine builds go to (and base images are looked up in).
    public var engine: any ContainerEngine
    public var logger: Logger

    /// A builder with `client`, building for `engine`.
    public init(client: BuildKitClient, engine: any ContainerEngine, logger: Logger) {
        self.client = client
        self.engine = engine
        self.logger = logger
    }

    public var clientDescription: String { client.description }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let context = try prepareContext(request)
        let dockerfile = try await prepareDockerfile(request)
        if request.scenario == .cold {
            // The build's cache mounts are new (CacheMountScoping): cold without emptying anyone's. Those nobody
            // used for longer than the lease were left behind: they go, by the engine's clock.
            _ = try? await ProcessRunner.run(
                client.executable,
                [
                    "builder", "prune", "--force", "--filter", "type=exec.cachemount", "--filter",
                    "until=\(Int(Self.cacheMountLease))s",
                ], environment: engine.clientEnvironment, timeout: 120)
        }
        let iidFile = request.settings.workDirectory.appendingPathComponent(
            "\(request.service.name)-\(request.driver.name).iid")
        try? FileManager.default.removeItem(at: iidFile)
        var arguments =
            client.buildCommand.arguments + [
                "--network", "host", "--progress", "plain", "--file", dockerfile.path, "--tag", request.tag,
                "--label", "\(ContainerLabels.managed)=1", "--label", "\(ContainerLabels.run)=\(request.runID)",
                "--label", "\(ContainerLabels.runner)=\(engine.runner.id)",
                "--label", "\(ContainerLabels.service)=\(request.service.name)",
                "--label", "\(ContainerLabels.driver)=\(request.driver.name)",
                "--iidfile", iidFile.path,
            ]
        if request.scenario == .cold { arguments.append("--no-cache") }
        if let target = request.driver.target { arguments += ["--target", target] }
        for (key, value) in request.driver.buildArgs.sorted(by: { $0.key < $1.key }) {
            arguments += ["--build-arg", "\(key)=\(value)"]
        }
        for secret in request.settings.secrets { arguments += ["--secret", secret.argument] }
        arguments.append(context.path)
        var environment = client.buildCommand.environment
        environment.merge(engine.clientEnvironment) { _, endpoint in endpoint }
        let redactor = request.settings.redactor
        logger.debug("build", metadata: ["arguments": .string(redactor.redact(arguments.joined(separator: " ")))])
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
            succeeded: false, steps: steps, logTail: redactor.redact(result.tail(40)))
    }

    /// The context to build from: the service's own for cold and warm builds, a modified copy for the others.
    func prepareContext(_ request: BuildRequest) throws -> URL {
        let original = URL(fileURLWithPath: request.driver.context ?? request.service.context)
        let copy = request.settings.workDirectory.appendingPathComponent(
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
            guard let localIndex = request.settings.localIndex else { return original }
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
                    // Checked again in the copy: a symlink resolves differently from the copy's folder.
                    let url = URL(fileURLWithPath: try Self.confined(file, in: copy, what: "code-change file"))
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
                    let source = URL(
                        fileURLWithPath: try Self.confined(replacement, in: original, what: "deps-change replacement"))
                    let target = URL(
                        fileURLWithPath: try Self.confined(
                            destination, in: copy, what: "deps-change destination", mustExist: false))
                    guard let data = try? Data(contentsOf: source) else {
                        throw BuildError("deps-change file \(replacement) is missing from \(original.path)")
                    }
                    do { try data.write(to: target) } catch {
                        throw BuildError("could not write \(target.path): \(error)")
                    }
                }
            }
            if let localIndex = request.settings.localIndex {
                try LocalIndexContext.rewrite(context: copy, baseURL: localIndex)
            }
            return copy
        }
    }

    /// `path` inside `root` (every symlink resolved), or a `BuildError` saying how it escapes.
    static func confined(_ path: String, in root: URL, what: String, mustExist: Bool = true) throws -> String {
        do {
            return try ConfinedPath.resolve(path, inside: root.path, mustExist: mustExist)
        } catch {
            throw BuildError("\(what) \(error)")
        }
    }

    /// The Dockerfile to build with: the driver's own, or a copy with unavailable base images mapped to their
    /// stand-ins and a `# syntax=` directive dropped (it would make BuildKit pull a frontend image from a registry;
    /// the built-in frontend reads the file instead). The user's file is never edited.
    func prepareDockerfile(_ request: BuildRequest) async throws -> URL {
        let original = URL(fileURLWithPath: request.driver.dockerfile)
        let dockerfile: Dockerfile
        do {
            dockerfile = try Dockerfile.load(path: original.path)
        } catch {
            throw BuildError("\(error) (service \(request.service.name), driver \(request.driver.name))")
        }
        let buildArgs = request.driver.buildArgs
        let references = try dockerfile.baseReferences(buildArgs: buildArgs, target: request.driver.target)
        let map = await BaseImageResolver(engine: engine, map: request.settings.baseImageMap)
            .replacements(for: references.map(\.name))
        let scope = request.settings.cacheScopes.scope(
            service: request.service.name, driver: request.driver.name, cold: request.scenario == .cold)
        let originalText = (try? String(contentsOf: original, encoding: .utf8)) ?? ""
        let scopedText = CacheMountScoping.rewrite(originalText, scope: scope)
        guard !map.isEmpty || dockerfile.syntax != nil || scopedText != originalText else { return original }
        var (text, replacements) = try dockerfile.rewrite(map: map, buildArgs: buildArgs)
        text = CacheMountScoping.rewrite(text, scope: scope)
        if let syntax = dockerfile.directive("syntax") {
            text = Self.removingLine(syntax.line, from: text)
            logger.info(
                "dropped the # syntax= directive in the build copy",
                metadata: ["service": .string(request.service.name), "syntax": .string(syntax.value)])
        }
        if !replacements.isEmpty {
            logger.info(
                "base images mapped",
                metadata: [
                    "service": .string(request.service.name),
                    "map": .string(replacements.map(\.description).joined(separator: ", ")),
                ])
        }
        let copy = request.settings.workDirectory.appendingPathComponent(
            "\(request.service.name)-\(request.driver.name)-\(request.scenario.rawValue).Dockerfile")
        do {
            try text.write(to: copy, atomically: true, encoding: .utf8)
        } catch {
            throw BuildError("could not write the mapped Dockerfile \(copy.path): \(error)")
        }
        // BuildKit reads FILE.dockerignore next to the Dockerfile before the context's .dockerignore: it goes along.
        let ignore = URL(fileURLWithPath: original.path + ".dockerignore")
        if FileManager.default.fileExists(atPath: ignore.path) {
            let copied = URL(fileURLWithPath: copy.path + ".dockerignore")
            try? FileManager.default.removeItem(at: copied)
            try? FileManager.default.copyItem(at: ignore, to: copied)
        }
        return copy
    }

    /// How long an unused cache mount is kept for its owner: a run uses its cache mounts within its build stage
    /// (minutes), so an hour without use means it was left behind.
    public static let cacheMountLease: TimeInterval = 3600

    /// `text` without its 1-based line `line` (line ends kept as they are).
    static func removingLine(_ line: Int, from text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return text }
        lines.remove(at: line - 1)
        return lines.joined(separator: "\n")
    }
}
