import Foundation

/// A suite made from a docker compose file (`run --compose docker-compose.yml --service api`): each selected
/// service with a `build:` section becomes a service built with one driver, `compose`.
public enum ComposeSuite {
    /// The driver name of services made from a compose file.
    public static let driverName = "compose"

    /// Makes the suite.
    /// - Parameters:
    ///   - compose: The parsed compose file.
    ///   - services: The services to measure; empty selects every service with a `build:` section and no
    ///     `profiles:` (as `docker compose up` leaves profiled services out).
    ///   - file: The compose file as the user named it, for the suite's source and messages.
    ///   - ports: Container ports given on the command line (`--port`), by service name; they win over the file.
    /// - Returns: One `ServiceSpec` per service, in the order asked (file order when `services` is empty): its
    ///   build context, one `compose` driver with the Dockerfile, build args and target, the container port, the
    ///   health path read from the healthcheck (`/` when none can be read) and the environment.
    /// - Throws: `ConfigError` naming the file and line when a service is not in the file, has no `build:`, has a
    ///   name containerbench cannot use, has no context directory or Dockerfile, or has no port.
    public static func make(
        compose: ComposeFile, services: [String], file: String, ports: [String: Int] = [:]
    ) throws -> Suite {
        let selected: [ComposeFile.Service]
        if services.isEmpty {
            selected = compose.services.filter { $0.build != nil && $0.profiles.isEmpty }
            guard !selected.isEmpty else {
                throw ConfigError(
                    file: file,
                    message: "no service has a build: section (and no profiles:); name the services to measure "
                        + "with --service")
            }
        } else {
            selected = try services.map { name in
                guard let service = compose.service(named: name) else {
                    throw ConfigError(
                        file: file, field: "--service",
                        message: "no service '\(name)' in the compose file; it has "
                            + compose.services.map(\.name).joined(separator: ", "))
                }
                return service
            }
        }
        var specs: [ServiceSpec] = []
        for service in selected where !specs.contains(where: { $0.name == service.name }) {
            specs.append(try spec(service, file: file, port: ports[service.name]))
        }
        return Suite(source: file, services: specs)
    }

    static func spec(_ service: ComposeFile.Service, file: String, port override: Int?) throws -> ServiceSpec {
        let field = "services.\(service.name)"
        guard let build = service.build else {
            throw ConfigError(
                file: file, line: service.line, field: field,
                message: "service '\(service.name)' has no build: section"
                    + (service.image.map { " (it runs the image \($0))" } ?? "")
                    + ": containerbench measures images it builds; select services with build:")
        }
        guard Validation.isName(service.name) else {
            throw ConfigError(
                file: file, line: service.line, field: field,
                message: "'\(service.name)' is not a name containerbench can use in tags and labels: use lower-case "
                    + "letters, digits, '-', '_' or '.'")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: build.context, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ConfigError(
                file: file, line: build.line, field: "\(field).build.context",
                message: "the build context \(build.context) is not a directory")
        }
        guard FileManager.default.fileExists(atPath: build.dockerfile) else {
            throw ConfigError(
                file: file, line: build.line, field: "\(field).build.dockerfile",
                message: "the Dockerfile \(build.dockerfile) does not exist")
        }
        let check = service.healthcheck.flatMap { $0.disabled ? nil : $0.commandText }
        let port: Int
        if let override {
            port = override
        } else if let chosen = service.ports.first(where: { healthURL(in: check ?? "", port: $0.target) != nil })
            ?? service.ports.first
        {
            port = chosen.target
        } else {
            throw ConfigError(
                file: file, line: service.line, field: "\(field).ports",
                message: "service '\(service.name)' has no ports: pass --port N, the port it listens on in the "
                    + "container")
        }
        let driver = DriverSpec(
            name: driverName, dockerfile: build.dockerfile, buildArgs: build.args, target: build.target)
        // Wait at least as long as the file's own healthcheck would before it calls the service unhealthy.
        let healthcheck = service.healthcheck.flatMap { $0.disabled ? nil : $0 }
        let patience = healthcheck.map { ($0.startPeriod ?? 0) + ($0.interval ?? 30) * Double($0.retries ?? 3) } ?? 0
        // The health path: from the compose healthcheck, else from the image's own HEALTHCHECK, else none known:
        // then ready is the first HTTP answer on `/`, whatever its status.
        let imageCheck =
            (try? Dockerfile.load(path: build.dockerfile).imageConfig(
                target: build.target,
                buildArgs: build.args
            ).healthcheck)?.flatMap { $0.argv()?.joined(separator: " ") }
        let path = healthURL(in: check ?? "", port: port) ?? healthURL(in: imageCheck ?? "", port: port)
        return ServiceSpec(
            name: service.name, context: build.context, drivers: [driver], port: port,
            health: HealthSpec(path: path ?? "/", anyAnswer: path == nil),
            readyTimeout: min(3600, max(60, patience)), memoryWindow: 5, environment: service.environment,
            command: service.command)
    }

    /// The path of the first `http://localhost:PORT/PATH` (or 127.0.0.1, 0.0.0.0, [::1]) URL in a healthcheck
    /// command that names `port` (no port means 80), as curl, wget or a Python one-liner write it.
    public static func healthURL(in command: String, port: Int) -> String? {
        let pattern = #"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::([0-9]{1,5}))?(/[^\s'"`]*)?"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let text = command as NSString
        for match in expression.matches(in: command, range: NSRange(location: 0, length: text.length)) {
            let portRange = match.range(at: 1)
            let written = portRange.location == NSNotFound ? 80 : Int(text.substring(with: portRange))
            guard written == port else { continue }
            let pathRange = match.range(at: 2)
            var path = pathRange.location == NSNotFound ? "/" : text.substring(with: pathRange)
            while let last = path.last, path.count > 1, ")];,|&".contains(last) { path.removeLast() }
            if Validation.isHTTPPath(path) { return path }
        }
        return nil
    }
}
