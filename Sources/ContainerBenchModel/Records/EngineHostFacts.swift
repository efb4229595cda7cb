import Foundation

/// The host the engine runs on, as the engine itself reports it (`GET /info`, `GET /version`), and how it was
/// reached. For a remote engine this is the measured machine; the client that ran containerbench may differ.
public struct EngineHostFacts: Sendable, Codable, Equatable {
    /// "docker" or "podman".
    public var kind: String
    /// The engine address without credentials (`unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://u@host`).
    public var endpoint: String
    /// Whether the engine runs on the host that ran containerbench (a unix socket).
    public var isLocal: Bool
    /// The engine host's name (`Name`), id (`ID`), kernel, operating system, CPUs and memory.
    public var name: String
    public var id: String
    public var kernel: String
    public var operatingSystem: String
    public var cpus: Int
    public var memoryBytes: Int64

    /// Facts; see the properties.
    public init(
        kind: String, endpoint: String, isLocal: Bool, name: String = "", id: String = "", kernel: String = "",
        operatingSystem: String = "", cpus: Int = 0, memoryBytes: Int64 = 0
    ) {
        self.kind = kind
        self.endpoint = endpoint
        self.isLocal = isLocal
        self.name = name
        self.id = id
        self.kernel = kernel
        self.operatingSystem = operatingSystem
        self.cpus = cpus
        self.memoryBytes = memoryBytes
    }
}
