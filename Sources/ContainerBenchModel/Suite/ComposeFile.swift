import Foundation

/// The parts of a docker compose file that say how to build and probe a service: build context, Dockerfile,
/// target and args, environment, ports, healthcheck, command, user, dependencies and profiles, with variables
/// interpolated as compose does (process environment first, then the `.env` file next to the compose file).
/// Keys this reader does not use are ignored; a known key with a value of the wrong type is an error naming file,
/// line and field.
public struct ComposeFile: Sendable, Equatable {
    /// The compose file, as given.
    public var file: String
    /// The directory relative paths are resolved against (the compose file's).
    public var directory: String
    /// The services in file order.
    public var services: [Service]
    /// What compose would warn about: variables used without a value.
    public var warnings: [String]

    /// A compose file as read.
    public init(file: String, directory: String, services: [Service], warnings: [String] = []) {
        self.file = file
        self.directory = directory
        self.services = services
        self.warnings = warnings
    }

    /// The service named `name`, if any.
    public func service(named name: String) -> Service? {
        services.first { $0.name == name }
    }

    /// One entry of `services:`.
    public struct Service: Sendable, Equatable {
        /// The key under `services:`.
        public var name: String
        /// 1-based line of the service's key.
        public var line: Int?
        /// Nil for a service that runs a ready-made image.
        public var build: Build?
        /// `image:`: the image to run, or the tag a build gets.
        public var image: String?
        /// `environment:` from a mapping or a `KEY=VALUE` list; an entry without value takes the variable's value
        /// from the environment, and is left out when that has none.
        public var environment: [String: String]
        /// `ports:` in order.
        public var ports: [Port]
        /// `healthcheck:`, or nil (the image's HEALTHCHECK applies).
        public var healthcheck: Healthcheck?
        /// `command:` as an argument vector (a string is split into words as compose splits it).
        public var command: [String]?
        /// `user:`, as written.
        public var user: String?
        /// The services this one depends on (`depends_on`, list or mapping form).
        public var dependsOn: [String]
        /// `profiles:`: a service with profiles only runs when one of them is asked for.
        public var profiles: [String]

        /// A service as read; every field but the name is optional in compose.
        public init(
            name: String, line: Int? = nil, build: Build? = nil, image: String? = nil,
            environment: [String: String] = [:], ports: [Port] = [], healthcheck: Healthcheck? = nil,
            command: [String]? = nil, user: String? = nil, dependsOn: [String] = [], profiles: [String] = []
        ) {
            self.name = name
            self.line = line
            self.build = build
            self.image = image
            self.environment = environment
            self.ports = ports
            self.healthcheck = healthcheck
            self.command = command
            self.user = user
            self.dependsOn = dependsOn
            self.profiles = profiles
        }
    }

    /// `build:` of a service.
    public struct Build: Sendable, Equatable {
        /// Absolute path of the build context.
        public var context: String
        /// Absolute path of the Dockerfile (`dockerfile:` relative to the context; `Dockerfile` by default).
        public var dockerfile: String
        /// The stage to build (`target:`).
        public var target: String?
        /// Build arguments; an entry without value takes the environment's, and is left out when that has none.
        public var args: [String: String]
        /// 1-based line of the `build` key.
        public var line: Int?

        /// A build section, paths absolute.
        public init(
            context: String, dockerfile: String, target: String? = nil, args: [String: String] = [:], line: Int? = nil
        ) {
            self.context = context
            self.dockerfile = dockerfile
            self.target = target
            self.args = args
            self.line = line
        }
    }

    /// One `ports:` entry (short `"127.0.0.1:8000:8000"`, `"8000:8000"`, `"8000"`, or long form).
    public struct Port: Sendable, Equatable {
        /// The port inside the container.
        public var target: Int
        /// The host port or range as written, or nil (an ephemeral port).
        public var published: String?
        /// The host address, or nil (all).
        public var hostIP: String?
        /// `tcp` (default) or `udp`.
        public var transport: String

        /// A port mapping.
        public init(target: Int, published: String? = nil, hostIP: String? = nil, transport: String = "tcp") {
            self.target = target
            self.published = published
            self.hostIP = hostIP
            self.transport = transport
        }
    }

    /// `healthcheck:` of a service.
    public struct Healthcheck: Sendable, Equatable {
        /// Docker's form: `["CMD", program, args...]`, `["CMD-SHELL", text]` or `["NONE"]`; empty when the file
        /// gives no test (the image's HEALTHCHECK applies).
        public var test: [String]
        /// `interval:` in seconds.
        public var interval: Double?
        /// `timeout:` in seconds.
        public var timeout: Double?
        /// `start_period:` in seconds.
        public var startPeriod: Double?
        /// `start_interval:` in seconds.
        public var startInterval: Double?
        /// `retries:`.
        public var retries: Int?
        /// `disable: true` or a `NONE` test.
        public var disabled: Bool

        /// A healthcheck; durations in seconds.
        public init(
            test: [String], interval: Double? = nil, timeout: Double? = nil, startPeriod: Double? = nil,
            startInterval: Double? = nil, retries: Int? = nil, disabled: Bool = false
        ) {
            self.test = test
            self.interval = interval
            self.timeout = timeout
            self.startPeriod = startPeriod
            self.startInterval = startInterval
            self.retries = retries
            self.disabled = disabled
        }

        /// The check's command as one line of text, for reading a URL out of it.
        public var commandText: String { test.dropFirst().joined(separator: " ") }
    }

    /// Reads the compose file at `path`, with the `.env` file next to it when there is one.
    /// - Parameter environment: The variables interpolation sees first (the process environment by default).
    /// - Throws: `ConfigError` for a missing file, bad YAML or `.env`, a known key with a wrong value, a
    ///   `dockerfile_inline` or remote build context, and a required variable without value.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ComposeFile
    {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(file: path, message: "cannot read the compose file (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the compose file is not UTF-8 text")
        }
        let directory = url.deletingLastPathComponent().path
        let dotEnvPath = url.deletingLastPathComponent().appendingPathComponent(".env").path
        var dotEnv: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: dotEnvPath) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(file: dotEnvPath, message: "the .env file is not UTF-8 text")
            }
            dotEnv = try DotEnvFile.parse(text, file: dotEnvPath, environment: environment)
        }
        return try parse(text, file: path, directory: directory, environment: environment, dotEnv: dotEnv)
    }

    /// Parses compose YAML; relative paths resolve against `directory`.
    /// - Parameters:
    ///   - environment: Variables for interpolation; they win over `dotEnv`.
    ///   - dotEnv: The `.env` file's variables.
    /// - Throws: `ConfigError` as `load`.
    public static func parse(
        _ text: String, file: String, directory: String, environment: [String: String] = [:],
        dotEnv: [String: String] = [:]
    ) throws -> ComposeFile {
        var reader = ComposeReader(file: file, directory: directory) { environment[$0] ?? dotEnv[$0] }
        return try reader.read(text)
    }
}
