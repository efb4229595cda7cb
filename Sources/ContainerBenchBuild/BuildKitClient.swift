import ContainerBenchEngine
import ContainerBenchSupport
import Foundation

/// A Docker client able to build with BuildKit: a `docker` with the buildx plugin, or a client (20.10 – 22.x) with
/// BuildKit built in (`DOCKER_BUILDKIT=1`). The first `docker` on PATH may have neither.
public struct BuildKitClient: Sendable, Equatable, CustomStringConvertible {
    public enum Mode: String, Sendable, Codable {
        /// `docker buildx build --load`.
        case buildx
        /// `DOCKER_BUILDKIT=1 docker build`.
        case builtin
    }

    public var executable: String
    public var version: String
    public var mode: Mode

    public var description: String {
        "\(executable) \(version) (\(mode == .buildx ? "buildx plugin" : "built-in BuildKit"))"
    }

    /// The command prefix and environment for a build.
    public var buildCommand: (arguments: [String], environment: [String: String]) {
        switch mode {
        case .buildx: return (["buildx", "build", "--load"], [:])
        case .builtin: return (["build"], ["DOCKER_BUILDKIT": "1"])
        }
    }

    /// Finds a BuildKit-capable client that reaches `engine` (through its `clientEnvironment`: the SSH tunnel's
    /// socket, the TLS files).
    /// - Throws: `BuildError` naming every candidate tried and why it cannot build.
    public static func discover(engine: any ContainerEngine) async throws -> BuildKitClient {
        try await discover(environment: engine.clientEnvironment)
    }

    /// Finds a BuildKit-capable client for the engine `endpoint` names.
    /// - Throws: `BuildError` naming every candidate tried and why it cannot build.
    public static func discover(endpoint: EngineEndpoint) async throws -> BuildKitClient {
        try await discover(environment: endpoint.clientEnvironment)
    }

    /// Finds a BuildKit-capable client among the `docker` executables on PATH and /usr/bin/docker, each run with
    /// `environment` (DOCKER_HOST and the TLS variables).
    /// - Throws: `BuildError` naming every candidate tried and why it cannot build.
    public static func discover(environment: [String: String]) async throws -> BuildKitClient {
        var candidates: [String] = []
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/docker"
            if FileManager.default.isExecutableFile(atPath: path), !candidates.contains(path) {
                candidates.append(path)
            }
        }
        if !candidates.contains("/usr/bin/docker"), FileManager.default.isExecutableFile(atPath: "/usr/bin/docker") {
            candidates.append("/usr/bin/docker")
        }
        var reasons: [String] = []
        for path in candidates {
            let version = try? await ProcessRunner.run(
                path, ["version", "--format", "{{.Client.Version}}"], environment: environment)
            let clientVersion =
                version?.output.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces)
                ?? "?"
            if let buildx = try? await ProcessRunner.run(path, ["buildx", "version"], environment: environment),
                buildx.succeeded
            {
                return BuildKitClient(executable: path, version: clientVersion, mode: .buildx)
            }
            let major = Int(clientVersion.split(separator: ".").first ?? "") ?? 0
            if (20...22).contains(major) {
                return BuildKitClient(executable: path, version: clientVersion, mode: .builtin)
            }
            reasons.append("\(path) (client \(clientVersion)): no buildx plugin and no built-in BuildKit")
        }
        if candidates.isEmpty { reasons.append("no docker client on PATH or at /usr/bin/docker") }
        throw BuildError(
            "no BuildKit-capable docker client: " + reasons.joined(separator: "; ")
                + ". Install Debian's docker.io (its /usr/bin/docker has BuildKit built in) or the buildx plugin.")
    }
}
