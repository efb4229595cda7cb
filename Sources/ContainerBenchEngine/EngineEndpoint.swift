import Foundation

/// Where a container engine is reached: the Engine API's address, and the `DOCKER_HOST` value that points a docker
/// CLI (the BuildKit client) at the same engine, so builds and trials always use one engine.
public struct EngineEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The unix socket of the Engine API.
    public var socketPath: String

    /// The endpoint of a unix socket.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// `unix:///path`: what `DOCKER_HOST` is set to for the docker CLI.
    public var dockerHost: String { "unix://\(socketPath)" }

    /// The environment a docker CLI needs to reach this engine.
    public var clientEnvironment: [String: String] { ["DOCKER_HOST": dockerHost] }

    public var description: String { dockerHost }

    /// The endpoint `DOCKER_HOST` names, or the default socket.
    /// - Throws: `EngineError` with code `notRunning` when DOCKER_HOST is not a unix socket.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EngineError) -> EngineEndpoint {
        guard let host = environment["DOCKER_HOST"], !host.isEmpty else {
            return EngineEndpoint(socketPath: "/var/run/docker.sock")
        }
        guard host.hasPrefix("unix://") else {
            throw EngineError(
                .notRunning,
                "DOCKER_HOST=\(host) is not a unix socket: containerbench measures a local engine only; "
                    + "unset DOCKER_HOST or point it at unix:///var/run/docker.sock")
        }
        return EngineEndpoint(socketPath: String(host.dropFirst("unix://".count)))
    }
}
