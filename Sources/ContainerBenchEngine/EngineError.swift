import Foundation

/// What went wrong talking to the container engine.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure, for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case notRunning, transport, http, decoding, unsupportedAPI, notFound, timeout, badEndpoint, tls, ssh
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No engine answers on the socket.
        public static let notRunning = Code(.notRunning)
        /// The request did not complete (socket error, timeout of the transfer).
        public static let transport = Code(.transport)
        /// The engine answered with an error status.
        public static let http = Code(.http)
        /// The engine's answer could not be read.
        public static let decoding = Code(.decoding)
        /// The engine's API is older than 1.41.
        public static let unsupportedAPI = Code(.unsupportedAPI)
        /// The image or container does not exist (404).
        public static let notFound = Code(.notFound)
        /// Waiting for something the engine should report took too long.
        public static let timeout = Code(.timeout)
        /// The engine address (`--engine`, `DOCKER_HOST`) cannot be used as given.
        public static let badEndpoint = Code(.badEndpoint)
        /// The TLS connection failed: a certificate is missing, unreadable, not trusted, or refused by the engine.
        public static let tls = Code(.tls)
        /// ssh could not reach the host, or `docker system dial-stdio` failed there.
        public static let ssh = Code(.ssh)

        public var description: String { "\(value)" }
    }

    public var code: Code
    /// The HTTP status when the engine answered.
    public var status: Int?
    /// A message a user can act on, including the daemon's own message.
    public var message: String

    package init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String {
        if let status { return "engine error (HTTP \(status)): \(message)" }
        return "engine error: \(message)"
    }
}
