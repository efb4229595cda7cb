import Foundation
import Yams

/// Reads compose YAML into a `ComposeFile`: interpolation on every value it uses, types checked, errors located.
struct ComposeReader {
    typealias Entries = [(key: String, value: YAMLNode, line: Int?)]

    let file: String
    let directory: String
    var interpolation: ComposeInterpolation
    let lookup: (String) -> String?

    init(file: String, directory: String, lookup: @escaping (String) -> String?) {
        self.file = file
        self.directory = directory
        self.lookup = lookup
        interpolation = ComposeInterpolation(lookup: lookup)
    }

    mutating func read(_ text: String) throws -> ComposeFile {
        let root = try YAMLNode.parse(text, file: file)
        let top = try root.openMapping()
        guard let servicesNode = root.field("services", in: top), !servicesNode.isNull else {
            throw root.error("no 'services': a compose file lists its services under services:")
        }
        var services: [ComposeFile.Service] = []
        for entry in try servicesNode.openMapping() {
            services.append(try service(entry.key, entry.value, line: entry.line))
        }
        let warnings = interpolation.unset.map {
            "the \"\($0)\" variable is not set: it is replaced by an empty string"
        }
        return ComposeFile(file: file, directory: directory, services: services, warnings: warnings)
    }

    // MARK: - Values

    /// A scalar value (of any YAML type) as text, interpolated.
    mutating func string(_ node: YAMLNode) throws -> String {
        let text = try node.scalarText()
        do {
            return try interpolation.interpolate(text)
        } catch {
            throw node.error(error.message)
        }
    }

    mutating func strings(_ node: YAMLNode) throws -> [String] {
        try node.sequence().map { try string($0) }
    }

    mutating func integer(_ node: YAMLNode, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(node)
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw node.error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return value
    }

    mutating func boolean(_ node: YAMLNode) throws -> Bool {
        switch try string(node).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw node.error("expected true or false, found \(node.kind)")
        }
    }

    /// A compose duration (`1m30s`, `10s`, `500ms`), in seconds.
    mutating func duration(_ node: YAMLNode) throws -> Double {
        let text = try string(node)
        guard let seconds = GoDuration.seconds(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
            throw node.error("expected a duration such as 30s, 1m30s or 500ms, found '\(text)'")
        }
        return seconds
    }

    /// `KEY: value` mapping or `KEY=value` list; an entry without value takes the environment's value, or is
    /// left out when the environment has none (as compose does).
    mutating func keyValues(_ node: YAMLNode) throws -> [String: String] {
        var values: [String: String] = [:]
        switch node.node {
        case .mapping:
            for entry in try node.openMapping() {
                if entry.value.isNull {
                    if let value = lookup(entry.key) { values[entry.key] = value }
                } else {
                    values[entry.key] = try string(entry.value)
                }
            }
        case .sequence:
            for item in try node.sequence() {
                let text = try string(item)
                if let equals = text.firstIndex(of: "=") {
                    values[String(text[..<equals])] = String(text[text.index(after: equals)...])
                } else if let value = lookup(text) {
                    values[text] = value
                }
            }
        default:
            if node.isNull { return [:] }
            throw node.error("expected a mapping (KEY: value) or a list of KEY=value, found \(node.kind)")
        }
        return values
    }

    // MARK: - Services

    mutating func service(_ name: String, _ node: YAMLNode, line: Int?) throws -> ComposeFile.Service {
        let fields = try node.openMapping()
        var service = ComposeFile.Service(name: name, line: line)
        for entry in fields {
            let value = entry.value
            switch entry.key {
            case "build": service.build = try build(value, line: entry.line)
            case "image": service.image = try string(value)
            case "environment": service.environment = try keyValues(value)
            case "ports": service.ports = try value.sequence().map { try port($0) }
            case "healthcheck": service.healthcheck = try healthcheck(value)
            case "command": service.command = value.isNull ? nil : try command(value)
            case "user": service.user = try string(value)
            case "depends_on":
                if case .mapping = value.node {
                    service.dependsOn = try value.openMapping().map(\.key)
                } else {
                    service.dependsOn = try strings(value)
                }
            case "profiles": service.profiles = try strings(value)
            default: continue
            }
        }
        return service
    }

    mutating func build(_ node: YAMLNode, line: Int?) throws -> ComposeFile.Build {
        var contextText = "."
        var dockerfileText = "Dockerfile"
        var target: String?
        var args: [String: String] = [:]
        var contextNode = node
        if case .scalar = node.node {
            contextText = try string(node)
        } else {
            let fields = try node.openMapping()
            if let inline = node.field("dockerfile_inline", in: fields) {
                throw inline.error(
                    "dockerfile_inline is not supported: write the Dockerfile to a file and name it in "
                        + "build.dockerfile")
            }
            if let value = node.field("context", in: fields) {
                contextText = try string(value)
                contextNode = value
            }
            if let value = node.field("dockerfile", in: fields) { dockerfileText = try string(value) }
            if let value = node.field("target", in: fields) { target = try string(value) }
            if let value = node.field("args", in: fields) { args = try keyValues(value) }
        }
        if contextText.contains("://") || contextText.hasPrefix("git@") {
            throw contextNode.error(
                "the build context '\(contextText)' is remote: clone it and give its local path as build.context")
        }
        let context = URL(fileURLWithPath: contextText, relativeTo: URL(fileURLWithPath: directory + "/"))
            .standardizedFileURL.path
        let dockerfile = URL(fileURLWithPath: dockerfileText, relativeTo: URL(fileURLWithPath: context + "/"))
            .standardizedFileURL.path
        return ComposeFile.Build(context: context, dockerfile: dockerfile, target: target, args: args, line: line)
    }

    mutating func port(_ node: YAMLNode) throws -> ComposeFile.Port {
        guard case .mapping = node.node else { return try shortPort(try string(node), node) }
        let fields = try node.openMapping()
        guard let targetNode = node.field("target", in: fields) else {
            throw node.error("a port in long form needs target: (the port inside the container)")
        }
        var port = ComposeFile.Port(target: try integer(targetNode, in: 1...65535))
        if let value = node.field("published", in: fields) { port.published = try string(value) }
        if let value = node.field("host_ip", in: fields) { port.hostIP = try string(value) }
        if let value = node.field("protocol", in: fields) { port.transport = try string(value).lowercased() }
        return port
    }

    /// `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, the host IP possibly in brackets (`[::1]:8000:8000`).
    func shortPort(_ text: String, _ node: YAMLNode) throws -> ComposeFile.Port {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var transport = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            transport = rest[rest.index(after: slash)...].lowercased()
            rest = rest[..<slash]
        }
        var hostIP: String?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == ":" }
        }
        var parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if hostIP == nil, parts.count == 3 { hostIP = parts.removeFirst() }
        guard (1...2).contains(parts.count), let targetText = parts.last else {
            throw node.error("'\(text)' is not a port: write 8000, 8000:8000 or 127.0.0.1:8000:8000")
        }
        guard !targetText.contains("-") else {
            throw node.error("'\(text)': port ranges are not supported; give the one port the service listens on")
        }
        guard let target = Int(targetText), (1...65535).contains(target) else {
            throw node.error("'\(text)': the container port '\(targetText)' is not a number from 1 to 65535")
        }
        let published = parts.count == 2 && !parts[0].isEmpty ? parts[0] : nil
        return ComposeFile.Port(target: target, published: published, hostIP: hostIP, transport: transport)
    }

    mutating func healthcheck(_ node: YAMLNode) throws -> ComposeFile.Healthcheck {
        let fields = try node.openMapping()
        var check = ComposeFile.Healthcheck(test: [])
        if let test = node.field("test", in: fields) {
            if case .sequence = test.node {
                check.test = try strings(test)
                guard let kind = check.test.first, ["NONE", "CMD", "CMD-SHELL"].contains(kind) else {
                    throw test.error(
                        "a test list starts with \"CMD\", \"CMD-SHELL\" or \"NONE\", e.g. [\"CMD\", \"curl\", "
                            + "\"-f\", \"http://localhost:8000/health\"]")
                }
            } else {
                check.test = ["CMD-SHELL", try string(test)]
            }
        }
        if let value = node.field("interval", in: fields) { check.interval = try duration(value) }
        if let value = node.field("timeout", in: fields) { check.timeout = try duration(value) }
        if let value = node.field("start_period", in: fields) { check.startPeriod = try duration(value) }
        if let value = node.field("start_interval", in: fields) { check.startInterval = try duration(value) }
        if let value = node.field("retries", in: fields) { check.retries = try integer(value, in: 0...1_000_000) }
        if let value = node.field("disable", in: fields) { check.disabled = try boolean(value) }
        if check.test.first == "NONE" { check.disabled = true }
        return check
    }

    mutating func command(_ node: YAMLNode) throws -> [String] {
        if case .sequence = node.node { return try strings(node) }
        let text = try string(node)
        guard let words = Self.shellWords(text) else {
            throw node.error("the command has an unclosed quote: \(text)")
        }
        return words
    }

    /// Splits a command string into words as compose does (quotes group, backslash escapes, no expansion).
    static func shellWords(_ text: String) -> [String]? {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                word.append(character)
                escaped = false
                continue
            }
            if character == "\\", quote != "'" {
                escaped = true
                inWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(word) }
        return words
    }
}
