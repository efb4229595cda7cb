import Foundation

/// How the second side of a duet gets a port of its own: the environment variable the service reads its port from,
/// and the port to give it.
public struct DuetSpec: Sendable, Equatable, Codable {
    /// The variable the service reads its port from (`FIXTURE_PORT`, `PORT`).
    public var portVariable: String
    /// The second side's port.
    public var port: Int

    /// A duet; see the properties.
    public init(portVariable: String, port: Int) {
        self.portVariable = portVariable
        self.port = port
    }
}
