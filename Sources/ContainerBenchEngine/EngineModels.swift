import Foundation

/// The engine's `/version` answer, trimmed to what containerbench uses.
public struct EngineVersion: Sendable, Codable, Equatable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var kernelVersion: String?
    /// The parts the engine names (Docker: "Engine", "containerd", "runc"; Podman: "Podman Engine", "Conmon").
    public var components: [Component]?

    /// A version; see the properties.
    public init(
        version: String, apiVersion: String, minAPIVersion: String? = nil, kernelVersion: String? = nil,
        components: [Component]? = nil
    ) {
        self.version = version
        self.apiVersion = apiVersion
        self.minAPIVersion = minAPIVersion
        self.kernelVersion = kernelVersion
        self.components = components
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case kernelVersion = "KernelVersion"
        case components = "Components"
    }

    /// One named part of the engine.
    public struct Component: Sendable, Codable, Equatable {
        /// "Engine", "Podman Engine", "containerd", ...
        public var name: String
        /// The component's own version.
        public var version: String

        /// A component; see the properties.
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case version = "Version"
        }
    }

    /// Which engine answered: Podman names a "Podman Engine" component in its Docker-compatible `/version`.
    public var kind: EngineKind {
        (components ?? []).contains { $0.name.localizedCaseInsensitiveContains("podman") } ? .podman : .docker
    }
}

/// Which engine serves the API.
public enum EngineKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case docker
    /// Podman's Docker-compatible API (`podman system service`).
    case podman

    /// "Docker" or "Podman".
    public var description: String { self == .docker ? "Docker" : "Podman" }
}

/// The engine's `/info` answer, trimmed.
public struct EngineInfo: Sendable, Codable, Equatable {
    public var storageDriver: String
    public var cgroupVersion: String?
    public var cgroupDriver: String?
    public var cpus: Int
    public var memoryBytes: Int64
    public var serverVersion: String?
    /// The engine host's name.
    public var name: String?
    /// The engine's own id (stable per installation).
    public var id: String?
    /// The engine host's kernel.
    public var kernelVersion: String?
    /// The engine host's operating system.
    public var operatingSystem: String?

    /// Engine facts; see the properties.
    public init(
        storageDriver: String, cgroupVersion: String?, cgroupDriver: String?, cpus: Int, memoryBytes: Int64,
        serverVersion: String? = nil, name: String? = nil, id: String? = nil, kernelVersion: String? = nil,
        operatingSystem: String? = nil
    ) {
        self.storageDriver = storageDriver
        self.cgroupVersion = cgroupVersion
        self.cgroupDriver = cgroupDriver
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.serverVersion = serverVersion
        self.name = name
        self.id = id
        self.kernelVersion = kernelVersion
        self.operatingSystem = operatingSystem
    }

    enum CodingKeys: String, CodingKey {
        case storageDriver = "Driver"
        case cgroupVersion = "CgroupVersion"
        case cgroupDriver = "CgroupDriver"
        case cpus = "NCPU"
        case memoryBytes = "MemTotal"
        case serverVersion = "ServerVersion"
        case name = "Name"
        case id = "ID"
        case kernelVersion = "KernelVersion"
        case operatingSystem = "OperatingSystem"
    }
}

/// `GET /images/{name}/json`, trimmed.
public struct ImageInspect: Sendable, Codable, Equatable {
    public var id: String
    public var size: Int64
    public var config: ImageConfig?
    public var rootFS: RootFS?

    /// An image; see the properties.
    public init(id: String, size: Int64, config: ImageConfig? = nil, rootFS: RootFS? = nil) {
        self.id = id
        self.size = size
        self.config = config
        self.rootFS = rootFS
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case size = "Size"
        case config = "Config"
        case rootFS = "RootFS"
    }

    /// An image's runtime configuration.
    public struct ImageConfig: Sendable, Codable, Equatable {
        public var user: String?
        public var env: [String]?
        public var cmd: [String]?
        public var entrypoint: [String]?
        public var healthcheck: Healthcheck?
        public var labels: [String: String]?

        /// A configuration; see the properties.
        public init(
            user: String? = nil, env: [String]? = nil, cmd: [String]? = nil, entrypoint: [String]? = nil,
            healthcheck: Healthcheck? = nil, labels: [String: String]? = nil
        ) {
            self.user = user
            self.env = env
            self.cmd = cmd
            self.entrypoint = entrypoint
            self.healthcheck = healthcheck
            self.labels = labels
        }

        enum CodingKeys: String, CodingKey {
            case user = "User"
            case env = "Env"
            case cmd = "Cmd"
            case entrypoint = "Entrypoint"
            case healthcheck = "Healthcheck"
            case labels = "Labels"
        }
    }

    /// A HEALTHCHECK as the engine stores it.
    public struct Healthcheck: Sendable, Codable, Equatable {
        public var test: [String]?

        /// A check running `test`.
        public init(test: [String]?) {
            self.test = test
        }

        enum CodingKeys: String, CodingKey {
            case test = "Test"
        }

        /// Whether a real check is declared (not absent, not `NONE`).
        public var isDeclared: Bool {
            guard let first = test?.first else { return false }
            return first != "NONE"
        }
    }

    /// The layer digests.
    public struct RootFS: Sendable, Codable, Equatable {
        public var layers: [String]?

        /// Layer digests.
        public init(layers: [String]?) {
            self.layers = layers
        }

        enum CodingKeys: String, CodingKey {
            case layers = "Layers"
        }
    }
}

/// One row of `GET /images/{name}/history`.
public struct ImageHistoryItem: Sendable, Codable, Equatable {
    public var id: String
    public var createdBy: String
    public var size: Int64

    /// A history row; see the properties.
    public init(id: String, createdBy: String, size: Int64) {
        self.id = id
        self.createdBy = createdBy
        self.size = size
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case createdBy = "CreatedBy"
        case size = "Size"
    }
}

/// `GET /containers/{id}/json`, trimmed to the state.
public struct ContainerInspect: Sendable, Codable, Equatable {
    public var id: String
    public var state: State

    /// A container; see the properties.
    public init(id: String, state: State) {
        self.id = id
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case state = "State"
    }

    /// A container's state.
    public struct State: Sendable, Codable, Equatable {
        public var status: String
        public var running: Bool
        public var exitCode: Int
        public var pid: Int?
        public var oomKilled: Bool?
        public var startedAt: String?
        public var finishedAt: String?
        public var health: Health?

        /// A state; see the properties.
        public init(
            status: String, running: Bool, exitCode: Int, pid: Int? = nil, oomKilled: Bool? = nil,
            startedAt: String? = nil, finishedAt: String? = nil, health: Health? = nil
        ) {
            self.status = status
            self.running = running
            self.exitCode = exitCode
            self.pid = pid
            self.oomKilled = oomKilled
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.health = health
        }

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case running = "Running"
            case exitCode = "ExitCode"
            case pid = "Pid"
            case oomKilled = "OOMKilled"
            case startedAt = "StartedAt"
            case finishedAt = "FinishedAt"
            case health = "Health"
        }
    }

    /// Docker's health state.
    public struct Health: Sendable, Codable, Equatable {
        public var status: String

        enum CodingKeys: String, CodingKey {
            case status = "Status"
        }
    }
}

/// What containerbench asks the engine to create. Every container carries the project's labels.
public struct ContainerSpec: Sendable, Equatable {
    public var image: String
    public var name: String?
    public var command: [String]?
    public var environment: [String: String]
    public var labels: [String: String]
    /// "host" by default: ports are the service's own on the host's loopback.
    public var networkMode: String
    /// Bytes; nil for no limit.
    public var memoryLimit: Int64?
    /// CPUs (fractional); nil for no limit.
    public var cpuLimit: Double?
    /// Overrides the image HEALTHCHECK interval (nanoseconds) so that `healthy` is timed finely; nil keeps it.
    public var healthInterval: Int64?

    public init(
        image: String, name: String? = nil, command: [String]? = nil, environment: [String: String] = [:],
        labels: [String: String] = [:], networkMode: String = "host", memoryLimit: Int64? = nil,
        cpuLimit: Double? = nil, healthInterval: Int64? = nil
    ) {
        self.image = image
        self.name = name
        self.command = command
        self.environment = environment
        self.labels = labels
        self.networkMode = networkMode
        self.memoryLimit = memoryLimit
        self.cpuLimit = cpuLimit
        self.healthInterval = healthInterval
    }
}

/// The labels containerbench puts on everything it creates, so that `gc` can always find it.
public enum ContainerLabels {
    /// Present on every container containerbench creates.
    public static let managed = "io.containerbench.managed"
    /// The run id that created the container.
    public static let run = "io.containerbench.run"
    /// The pid of the process that created it (gc skips containers whose creator is still alive).
    public static let pid = "io.containerbench.pid"
    /// The runner that created it (`RunnerIdentity.id`: host and engine endpoint): a run and `gc` remove only
    /// their own runner's objects, or another's past the lease.
    public static let runner = "io.containerbench.runner"
    /// The host name of the runner that created it (for people reading `docker ps`).
    public static let host = "io.containerbench.host"
    public static let service = "io.containerbench.service"
    public static let driver = "io.containerbench.driver"
    /// The port the trial's service listens on (host network), so a run that finds the port taken can name the
    /// containerbench container holding it.
    public static let port = "io.containerbench.port"
}

/// A container or image on the engine as a listing shows it: enough to decide who owns it and how old it is.
public struct EngineObject: Sendable, Equatable {
    public var id: String
    public var labels: [String: String]
    /// When the engine created it (its own clock, to the second).
    public var created: Date

    public init(id: String, labels: [String: String], created: Date) {
        self.id = id
        self.labels = labels
        self.created = created
    }
}
