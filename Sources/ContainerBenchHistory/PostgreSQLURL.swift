import Foundation

/// A `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=...&schema=...&connect_timeout=...]` URL, as libpq
/// spells it. The password is kept for the connection only: `redacted` and `description` replace it with `***`.
public struct PostgreSQLURL: Sendable, Equatable, CustomStringConvertible {
    /// How TLS is used, with libpq's names.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate.
        case require
        /// TLS with the certificate checked against the system's CAs.
        case verifyCA = "verify-ca"
        /// TLS with the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password, if the URL has one.
    public var password: String?
    /// The database.
    public var database: String
    /// TLS mode (`sslmode`).
    public var tls: TLSMode
    /// A schema of its own for the history inside the database (`schema`), or nil for the default.
    public var schema: String?
    /// Seconds to wait for the server to accept a connection (`connect_timeout`).
    public var connectTimeout: Int

    /// Parses `text`.
    /// - Throws: `HistoryError` (`invalidLocation`) saying what is wrong; the message never holds the password.
    public init(_ text: String) throws {
        let shown = Self.redact(text)
        func invalid(_ detail: String) -> HistoryError { HistoryError(.invalidLocation, path: shown, detail: detail) }
        guard let components = URLComponents(string: text) else { throw invalid("it is not a URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("it names no user (USER@HOST)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("it names no database (/DATABASE)") }
        self.host = host
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        self.user = components.user?.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        var tls = TLSMode.prefer
        var schema: String?
        var timeout = 10
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    throw invalid(
                        "sslmode '\(item.value ?? "")' is not one of "
                            + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            case "schema":
                let name = item.value ?? ""
                guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                    throw invalid("schema '\(name)' must be lower-case letters, digits and '_'")
                }
                schema = name
            case "connect_timeout":
                guard let seconds = Int(item.value ?? ""), (1...600).contains(seconds) else {
                    throw invalid("connect_timeout must be 1 to 600 seconds")
                }
                timeout = seconds
            default:
                throw invalid("unknown parameter '\(item.name)' (known: sslmode, schema, connect_timeout)")
            }
        }
        self.tls = tls
        self.schema = schema
        self.connectTimeout = timeout
    }

    /// The URL with the password replaced by `***`.
    public var redacted: String {
        var text = "postgresql://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var parameters: [String] = []
        if tls != .prefer { parameters.append("sslmode=\(tls.rawValue)") }
        if let schema { parameters.append("schema=\(schema)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// `redacted`.
    public var description: String { redacted }

    /// The URL with the password replaced by `***`, also for text this type cannot parse.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let credentials = rest[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(rest[at...])
    }

    /// `text` with every occurrence of the password replaced by `***`: for messages that come from elsewhere.
    func scrub(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        var scrubbed = text.replacingOccurrences(of: password, with: "***")
        if let encoded = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) {
            scrubbed = scrubbed.replacingOccurrences(of: encoded, with: "***")
        }
        return scrubbed
    }
}
