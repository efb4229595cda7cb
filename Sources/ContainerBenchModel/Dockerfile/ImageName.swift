import Foundation

/// An image reference `[registry[:port]/]repository[:tag][@digest]`, normalised the way Docker does it
/// (`distribution/reference.ParseNormalizedNamed`): `python:3.12-slim` and `docker.io/library/python:3.12-slim`
/// are the same image, `ghcr.io/astral-sh/uv:0.9` keeps its registry, and no tag means `latest`.
public struct ImageName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The registry host (and port): `docker.io`, `ghcr.io`, `localhost:5000`.
    public let domain: String
    /// The repository path inside the registry: `library/python`, `astral-sh/uv`.
    public let path: String
    /// The tag as written, or nil.
    public let tag: String?
    /// `algorithm:hex`, or nil.
    public let digest: String?

    /// The registry Docker assumes when a name has none.
    public static let defaultDomain = "docker.io"

    /// Parses `text`; nil when it is not a valid reference (see `problem(_:)` for why).
    public init?(_ text: String) {
        guard case .success(let name) = Self.parse(text) else { return nil }
        self = name
    }

    /// Why `text` is not a valid image reference, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        if case .failure(let failure) = parse(text) { return failure.reason }
        return nil
    }

    /// The tag that applies: the written one, else `latest` unless pinned by digest.
    public var effectiveTag: String? { tag ?? (digest == nil ? "latest" : nil) }

    /// `docker.io/library/python`.
    public var repository: String { "\(domain)/\(path)" }

    /// The full form, with registry and the effective tag: `docker.io/library/python:3.12-slim`.
    public var normalized: String { Self.join(repository, effectiveTag, digest) }

    /// The short form Docker prints: `python:3.12-slim`, `ghcr.io/astral-sh/uv:0.9`.
    public var familiar: String {
        var repository = repository
        if domain == Self.defaultDomain {
            repository =
                path.hasPrefix("library/") && path.split(separator: "/").count == 2
                ? String(path.dropFirst("library/".count)) : path
        }
        return Self.join(repository, tag, digest)
    }

    /// The short form (`familiar`).
    public var description: String { familiar }

    /// The same image once normalised: same registry, repository, effective tag and digest.
    public static func == (lhs: ImageName, rhs: ImageName) -> Bool {
        lhs.domain == rhs.domain && lhs.path == rhs.path && lhs.effectiveTag == rhs.effectiveTag
            && lhs.digest == rhs.digest
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(domain)
        hasher.combine(path)
        hasher.combine(effectiveTag)
        hasher.combine(digest)
    }

    private init(domain: String, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    private struct Failure: Error {
        var reason: String
    }

    private static func join(_ repository: String, _ tag: String?, _ digest: String?) -> String {
        var text = repository
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    private static func parse(_ text: String) -> Result<ImageName, Failure> {
        guard !text.isEmpty else { return .failure(Failure(reason: "the name is empty")) }
        guard text.count <= 512 else { return .failure(Failure(reason: "the name is longer than 512 characters")) }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let value = String(rest[rest.index(after: at)...])
            guard isDigest(value) else {
                return .failure(Failure(reason: "'\(value)' is not a digest (algorithm:hex, e.g. sha256:…)"))
            }
            digest = value
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            let value = String(rest[rest.index(after: colon)...])
            guard isTag(value) else {
                return .failure(Failure(reason: "'\(value)' is not a valid tag (letters, digits, '_', '.', '-')"))
            }
            tag = value
            rest = rest[..<colon]
        }
        var domain = defaultDomain
        var remainder = rest
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                guard isDomain(first) else {
                    return .failure(Failure(reason: "'\(first)' is not a valid registry host"))
                }
                domain = first == "index.docker.io" ? defaultDomain : String(first)
                remainder = rest[rest.index(after: slash)...]
            }
        }
        let components = remainder.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where !isPathComponent(component) {
            if component.lowercased() != component, isPathComponent(Substring(component.lowercased())) {
                return .failure(Failure(reason: "repository name must be lowercase"))
            }
            return .failure(Failure(reason: "'\(remainder)' is not a valid repository name"))
        }
        var path = String(remainder)
        if domain == defaultDomain, components.count == 1 { path = "library/" + path }
        return .success(ImageName(domain: domain, path: path, tag: tag, digest: digest))
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    private static func isPathComponent(_ text: Substring) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last, isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        var index = 0
        while index < scalars.count {
            if isAlphanumeric(scalars[index]) {
                index += 1
                continue
            }
            var separator = ""
            while index < scalars.count, !isAlphanumeric(scalars[index]) {
                separator.unicodeScalars.append(scalars[index])
                index += 1
            }
            let dashes = !separator.isEmpty && separator.allSatisfy { $0 == "-" }
            guard separator == "." || separator == "_" || separator == "__" || dashes else { return false }
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    private static func isTag(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 128, isWord(first) else { return false }
        return scalars.allSatisfy { isWord($0) || $0 == "." || $0 == "-" }
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }

    /// `algorithm:hex` with at least 32 hex digits.
    private static func isDigest(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let algorithm = text[..<colon]
        let hex = text[text.index(after: colon)...]
        guard let first = algorithm.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else {
            return false
        }
        let algorithmOK = algorithm.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+.-_".unicodeScalars.contains($0))
        }
        return algorithmOK && hex.count >= 32 && hex.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// `host[:port]` where host is a dotted DNS name, `localhost`, an IPv4 address or `[IPv6]`.
    private static func isDomain(_ text: Substring) -> Bool {
        var host = text
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inside = host[host.index(after: host.startIndex)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return false
            }
            host = host[host.index(after: close)...]
            guard host.isEmpty || host.hasPrefix(":") else { return false }
            return host.isEmpty || isPort(host.dropFirst())
        }
        if let colon = host.lastIndex(of: ":") {
            guard isPort(host[host.index(after: colon)...]) else { return false }
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty
            && labels.allSatisfy { label in
                guard let first = label.unicodeScalars.first, let last = label.unicodeScalars.last else {
                    return false
                }
                func alnum(_ scalar: Unicode.Scalar) -> Bool {
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                }
                return alnum(first) && alnum(last) && label.unicodeScalars.allSatisfy { alnum($0) || $0 == "-" }
            }
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
