import Foundation

/// Reads `suite.yaml` into a `Suite`, checking every field; errors name file, line and field.
public enum SuiteLoader {
    static let serviceKeys = [
        "name", "context", "port", "health", "drivers", "trials", "ready_timeout", "memory_window", "environment",
        "load", "scenarios", "command",
    ]

    /// Loads and validates the suite at `path`.
    /// - Throws: `ConfigError` for a missing file, bad YAML, unknown keys, wrong types, absurd values, and missing
    ///   contexts or Dockerfiles.
    public static func load(path: String) throws -> Suite {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(file: path, message: "cannot read the suite file (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the suite file is not UTF-8 text")
        }
        return try parse(text, file: path, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Parses suite YAML; relative contexts resolve against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws -> Suite {
        let root = try YAMLNode.parse(text, file: file)
        let top = try root.mapping(allowed: ["version", "defaults", "base_images", "services"])
        if let version = top["version"] {
            guard try version.int(in: 1...1000) == 1 else {
                throw version.error("unsupported suite version; this containerbench reads version 1")
            }
        }
        var defaults = Defaults()
        if let node = top["defaults"] {
            let fields = try node.mapping(allowed: ["trials", "ready_timeout", "memory_window", "build_repeats"])
            if let value = fields["build_repeats"] { defaults.buildRepeats = try value.int(in: 1...20) }
            if let value = fields["trials"] { defaults.trials = try value.int(in: 1...1000) }
            if let value = fields["ready_timeout"] { defaults.readyTimeout = try value.seconds(in: 0.1...3600) }
            if let value = fields["memory_window"] { defaults.memoryWindow = try value.seconds(in: 0...3600) }
        }
        let baseImages = try top["base_images"].map(BaseImageMap.parse) ?? BaseImageMap()
        guard let servicesNode = top["services"] else {
            throw root.error("missing 'services': list the services to benchmark")
        }
        let items = try servicesNode.sequence()
        guard !items.isEmpty else { throw servicesNode.error("no services: list at least one") }
        var services: [ServiceSpec] = []
        for item in items {
            let service = try parseService(item, defaults: defaults, baseDirectory: baseDirectory)
            if services.contains(where: { $0.name == service.name }) {
                throw item.error("duplicate service name '\(service.name)'")
            }
            services.append(service)
        }
        var suite = Suite(
            source: file, services: services, baseImages: baseImages.images, standIns: baseImages.recipes)
        suite.buildRepeats = defaults.buildRepeats
        return suite
    }

    struct Defaults {
        var trials = 5
        var readyTimeout = 60.0
        var memoryWindow = 10.0
        var buildRepeats = 1
    }

    static func parseService(_ node: YAMLNode, defaults: Defaults, baseDirectory: String) throws -> ServiceSpec {
        let fields = try node.mapping(allowed: serviceKeys)
        func required(_ key: String) throws -> YAMLNode {
            guard let value = fields[key] else { throw node.error("missing required key '\(key)'") }
            return value
        }
        let nameNode = try required("name")
        let name = try nameNode.nonEmptyString()
        guard Validation.isName(name) else {
            throw nameNode.error("'\(name)' is not a valid name: use lower-case letters, digits, '-', '_' or '.'")
        }
        let contextNode = try required("context")
        let contextText = try contextNode.nonEmptyString()
        let context = URL(fileURLWithPath: contextText, relativeTo: URL(fileURLWithPath: baseDirectory + "/"))
            .standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: context, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw contextNode.error("build context \(context) does not exist or is not a directory")
        }
        let port = try required("port").int(in: 1...65535)
        let healthNode = try required("health")
        let healthFields = try healthNode.mapping(allowed: ["path", "status", "interval"])
        guard let pathNode = healthFields["path"] else { throw healthNode.error("missing required key 'path'") }
        let healthPath = try pathNode.nonEmptyString()
        guard Validation.isHTTPPath(healthPath) else {
            throw pathNode.error(
                "'\(healthPath)' is not a valid health path: it must start with '/' and contain no spaces or "
                    + "control characters (e.g. /health)")
        }
        let status = try healthFields["status"].map { try $0.int(in: 100...599) }
        let interval = try healthFields["interval"].map { try $0.seconds(in: 0.001...3600) }
        let driversNode = try required("drivers")
        var drivers: [DriverSpec] = []
        for entry in try driversNode.freeMapping() {
            guard Validation.isName(entry.key) else {
                throw entry.value.error("'\(entry.key)' is not a valid driver name")
            }
            let driverFields = try entry.value.mapping(allowed: ["dockerfile", "build_args", "target"])
            guard let dockerfileNode = driverFields["dockerfile"] else {
                throw entry.value.error("missing required key 'dockerfile'")
            }
            let dockerfile = URL(
                fileURLWithPath: try dockerfileNode.nonEmptyString(), relativeTo: URL(fileURLWithPath: context + "/")
            ).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: dockerfile) else {
                throw dockerfileNode.error("Dockerfile \(dockerfile) does not exist")
            }
            var buildArgs: [String: String] = [:]
            if let argsNode = driverFields["build_args"] {
                buildArgs = try argsNode.stringMap()
                for key in buildArgs.keys where !Validation.isBuildArgName(key) {
                    throw argsNode.error("'\(key)' is not a valid build argument name")
                }
            }
            let target = try driverFields["target"].map { try $0.nonEmptyString() }
            drivers.append(DriverSpec(name: entry.key, dockerfile: dockerfile, buildArgs: buildArgs, target: target))
        }
        guard !drivers.isEmpty else { throw driversNode.error("no drivers: give at least one (uv, pip)") }
        let trials = try fields["trials"]?.int(in: 1...1000) ?? defaults.trials
        let readyTimeout = try fields["ready_timeout"]?.seconds(in: 0.1...3600) ?? defaults.readyTimeout
        let memoryWindow = try fields["memory_window"]?.seconds(in: 0...3600) ?? defaults.memoryWindow
        let environment = try fields["environment"]?.stringMap() ?? [:]
        let command = try fields["command"].map { node in
            let words = try node.stringList()
            guard !words.isEmpty else { throw node.error("an empty command: give the program and its arguments") }
            return words
        }
        var load: LoadSpec?
        if let loadNode = fields["load"] {
            let loadFields = try loadNode.mapping(allowed: ["path", "requests", "concurrency"])
            guard let loadPath = loadFields["path"], let requests = loadFields["requests"],
                let concurrency = loadFields["concurrency"]
            else { throw loadNode.error("load needs path, requests and concurrency") }
            let path = try loadPath.nonEmptyString()
            guard Validation.isHTTPPath(path) else { throw loadPath.error("'\(path)' is not a valid HTTP path") }
            load = LoadSpec(
                path: path, requests: try requests.int(in: 1...100_000), concurrency: try concurrency.int(in: 1...64))
        }
        var scenarios = ScenarioFiles()
        if let scenariosNode = fields["scenarios"] {
            let scenarioFields = try scenariosNode.mapping(allowed: ["code_change", "deps_change"])
            if let code = scenarioFields["code_change"] {
                scenarios.codeChange = try code.stringList()
                // Appended to in the context copy: confined to the context (docs/security.md).
                for (index, file) in scenarios.codeChange.enumerated() {
                    do {
                        _ = try ConfinedPath.resolve(file, inside: context)
                    } catch {
                        throw YAMLNode(
                            node: try code.sequence()[index].node, file: code.file, path: "\(code.path)[\(index)]"
                        )
                        .error("code-change file \(error)")
                    }
                }
            }
            if let deps = scenarioFields["deps_change"] {
                for entry in try deps.freeMapping() {
                    let replacement = try entry.value.nonEmptyString()
                    // Read from the context, written over a file of the copy: both ends confined.
                    do {
                        _ = try ConfinedPath.resolve(replacement, inside: context)
                    } catch {
                        throw entry.value.error("deps-change replacement \(error)")
                    }
                    do {
                        _ = try ConfinedPath.resolve(entry.key, inside: context, mustExist: false)
                    } catch {
                        throw entry.value.error("deps-change destination \(error)")
                    }
                    scenarios.depsChange[entry.key] = replacement
                }
            }
        }
        return ServiceSpec(
            name: name, context: context, drivers: drivers, port: port,
            health: HealthSpec(path: healthPath, status: status, interval: interval), trials: trials,
            readyTimeout: readyTimeout, memoryWindow: memoryWindow, load: load, scenarios: scenarios,
            environment: environment, command: command)
    }
}

/// Checks on names and values that end up in labels, tags, URLs and build arguments.
public enum Validation {
    /// `[a-z0-9][a-z0-9_.-]{0,63}`: safe in image tags, labels and file names.
    public static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 64 else { return false }
        let lower = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789")
        let rest = lower.union(CharacterSet(charactersIn: "_.-"))
        return lower.contains(first) && text.unicodeScalars.allSatisfy { rest.contains($0) }
    }

    /// An absolute HTTP path (with optional query) of printable ASCII without spaces.
    public static func isHTTPPath(_ text: String) -> Bool {
        guard text.hasPrefix("/"), text.count <= 2048 else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isBuildArgName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        let letters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && text.unicodeScalars.allSatisfy { rest.contains($0) }
    }
}
