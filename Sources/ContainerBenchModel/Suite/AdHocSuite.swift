import Foundation

/// A one-service suite made from command-line flags (`run --dockerfile`), for an engineer's own Dockerfile: every
/// setting a suite service has can be given as a flag.
public enum AdHocSuite {
    /// What the flags say.
    public struct Spec: Sendable, Equatable {
        public var dockerfile: String
        public var context: String?
        public var port: Int
        public var healthPath: String
        public var healthStatus: Int?
        /// Overrides the image's HEALTHCHECK interval in trials.
        public var healthInterval: Double?
        /// The service name; derived from the Dockerfile's folder when nil.
        public var name: String?
        /// The driver name; derived from the Dockerfile's name when nil (`Dockerfile.uv` → `uv`).
        public var driver: String?
        public var trials: Int
        public var readyTimeout: Double
        public var memoryWindow: Double
        public var environment: [String: String]
        public var buildArgs: [String: String]
        public var target: String?
        public var command: [String]?

        /// A spec; see the properties.
        public init(
            dockerfile: String, context: String? = nil, port: Int, healthPath: String = "/health",
            healthStatus: Int? = nil, healthInterval: Double? = nil, name: String? = nil, driver: String? = nil,
            trials: Int = 5, readyTimeout: Double = 60, memoryWindow: Double = 5, environment: [String: String] = [:],
            buildArgs: [String: String] = [:], target: String? = nil, command: [String]? = nil
        ) {
            self.dockerfile = dockerfile
            self.context = context
            self.port = port
            self.healthPath = healthPath
            self.healthStatus = healthStatus
            self.healthInterval = healthInterval
            self.name = name
            self.driver = driver
            self.trials = trials
            self.readyTimeout = readyTimeout
            self.memoryWindow = memoryWindow
            self.environment = environment
            self.buildArgs = buildArgs
            self.target = target
            self.command = command
        }
    }

    /// Makes the suite; base images are mapped by `baseImages` (and the built-in stand-ins).
    /// - Throws: `ConfigError` naming the flag when the Dockerfile or context is missing or a value is invalid.
    public static func make(_ spec: Spec, baseImages: BaseImageMap = BaseImageMap()) throws -> Suite {
        let file = URL(fileURLWithPath: spec.dockerfile).standardizedFileURL
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigError(file: spec.dockerfile, field: "--dockerfile", message: "the Dockerfile does not exist")
        }
        let contextPath = URL(fileURLWithPath: spec.context ?? file.deletingLastPathComponent().path)
            .standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contextPath, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ConfigError(file: contextPath, field: "--context", message: "the build context is not a directory")
        }
        guard Validation.isHTTPPath(spec.healthPath) else {
            throw ConfigError(
                file: "command line", field: "--health-path",
                message: "'\(spec.healthPath)' must start with '/' (e.g. /health)")
        }
        let name = spec.name ?? serviceName(for: file)
        let driver = spec.driver ?? driverName(for: file)
        guard Validation.isName(name) else {
            throw ConfigError(
                file: "command line", field: "--name",
                message: "'\(name)' is not a valid name: lower-case letters, digits, '-', '_', '.'")
        }
        guard Validation.isName(driver) else {
            throw ConfigError(file: "command line", field: "--driver", message: "'\(driver)' is not a valid name")
        }
        for key in spec.buildArgs.keys where !Validation.isBuildArgName(key) {
            throw ConfigError(file: "command line", field: "--build-arg", message: "'\(key)' is not a valid name")
        }
        let service = ServiceSpec(
            name: name, context: contextPath,
            drivers: [
                DriverSpec(name: driver, dockerfile: file.path, buildArgs: spec.buildArgs, target: spec.target)
            ],
            port: spec.port,
            health: HealthSpec(path: spec.healthPath, status: spec.healthStatus, interval: spec.healthInterval),
            trials: spec.trials, readyTimeout: spec.readyTimeout, memoryWindow: spec.memoryWindow,
            environment: spec.environment, command: spec.command)
        return Suite(
            source: "command line", services: [service], baseImages: baseImages.images, standIns: baseImages.recipes)
    }

    /// The service name of a Dockerfile measured ad hoc: its folder's name, made a valid name (`My App` →
    /// `my-app`), so runs of different projects' Dockerfiles are different services in the history.
    public static func serviceName(for dockerfile: URL) -> String {
        let folder = dockerfile.deletingLastPathComponent().lastPathComponent
        return sanitized(folder).map { $0 } ?? "service"
    }

    /// The driver name of a Dockerfile measured ad hoc: `Dockerfile` → `dockerfile`, `Dockerfile.uv` → `uv`,
    /// `prod.Dockerfile` → `prod`.
    public static func driverName(for dockerfile: URL) -> String {
        let file = dockerfile.lastPathComponent
        let lower = file.lowercased()
        var stem = file
        if lower.hasPrefix("dockerfile.") {
            stem = String(file.dropFirst("dockerfile.".count))
        } else if lower.hasSuffix(".dockerfile") {
            stem = String(file.dropLast(".dockerfile".count))
        }
        return sanitized(stem) ?? "dockerfile"
    }

    /// `text` lower-cased with every run of other characters made one `-`, trimmed to 64; nil when nothing is left.
    static func sanitized(_ text: String) -> String? {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789_.").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out.append("-")
            }
        }
        let trimmed = String(out.drop { !$0.isLetter && !$0.isNumber }.prefix(64))
            .trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? nil : trimmed
    }
}
