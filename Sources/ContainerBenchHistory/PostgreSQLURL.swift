import Foundation

/// A `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=...&sslrootcert=...&schema=...&connect_timeout=...]`
/// URL, as libpq spells it. The password is kept for the connection only: `redacted` and `description` replace it
/// with `***`; without one in the URL it comes from `PGPASSWORD` or the password file (`password(environment:)`), as
/// libpq users expect, so that it need never be on a command line.
public struct PostgreSQLURL: Sendable, Equatable, CustomStringConvertible {
    /// How TLS is used, with libpq's names.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default; asked for by name only).
        case prefer
        /// TLS or nothing, without checking the certificate.
        case require
        /// TLS with the certificate checked against the CA (`sslrootcert`, else the system's), not the host name.
        case verifyCA = "verify-ca"
        /// TLS with the certificate and the host name checked.
        case verifyFull = "verify-full"
        /// containerbench's default (no `sslmode` in the URL): `verify-full`, so a certificate that does not check
        /// out is refused rather than used; plain TCP only to a loopback server that offers no TLS (an attacker on
        /// the network could otherwise answer "no TLS" for a remote one and read the password).
        case verifiedIfOffered = "(default)"

        /// The modes a URL can name.
        public static var allCases: [TLSMode] { [.disable, .prefer, .require, .verifyCA, .verifyFull] }
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
    /// The CA certificates (PEM) the server's certificate is checked against (`sslrootcert`); nil for the system's.
    public var rootCertificate: String?
    /// Seconds a statement may take before the client gives up on it and closes the connection (and the server
    /// cancels it: `statement_timeout`), `query_timeout`; a server that stops answering never stalls a run.
    public var queryTimeout: Int

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
        var tls = TLSMode.verifiedIfOffered
        var schema: String?
        var timeout = 10
        var rootCertificate: String?
        var queryTimeout = 300
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else { throw invalid("sslrootcert names no file") }
                // libpq's `system`: the system's CAs.
                rootCertificate = file == "system" ? nil : file
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? ""), TLSMode.allCases.contains(mode) else {
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
            case "query_timeout":
                guard let seconds = Int(item.value ?? ""), (1...86400).contains(seconds) else {
                    throw invalid("query_timeout must be 1 to 86400 seconds")
                }
                queryTimeout = seconds
            case "connect_timeout":
                guard let seconds = Int(item.value ?? ""), (1...600).contains(seconds) else {
                    throw invalid("connect_timeout must be 1 to 600 seconds")
                }
                timeout = seconds
            default:
                throw invalid(
                    "unknown parameter '\(item.name)' (known: sslmode, sslrootcert, schema, connect_timeout, "
                        + "query_timeout)")
            }
        }
        self.tls = tls
        self.schema = schema
        self.connectTimeout = timeout
        self.rootCertificate = rootCertificate
        self.queryTimeout = queryTimeout
        if let rootCertificate, tls == .disable || tls == .prefer || tls == .require {
            throw invalid(
                "sslrootcert=\(rootCertificate) is not used with sslmode=\(tls.rawValue): use verify-full (or leave "
                    + "sslmode out)")
        }
    }

    /// Whether a server that offers no TLS may be reached in plain TCP: `disable` and `prefer` (libpq's), and the
    /// default for a loopback host without `sslrootcert` (naming a CA says TLS is wanted).
    public var allowsPlainTCP: Bool {
        switch tls {
        case .disable, .prefer: return true
        case .require, .verifyCA, .verifyFull: return false
        case .verifiedIfOffered: return rootCertificate == nil && Self.isLoopback(host)
        }
    }

    /// `localhost`, 127.0.0.0/8 or ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// The password to log in with: the URL's, else `PGPASSWORD`, else the first matching line of the password
    /// file (`PGPASSFILE`, else `~/.pgpass`: `host:port:database:user:password`, `*` matching anything, `\:` and
    /// `\\` escaped), which libpq reads only when no one but its owner can read it.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password { return password }
        if let fromEnvironment = environment["PGPASSWORD"], !fromEnvironment.isEmpty { return fromEnvironment }
        let file =
            environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass")
        var info = stat()
        guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 == 0,
            let text = try? String(contentsOfFile: file, encoding: .utf8)
        else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passFileFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// One password-file line's fields, `\:` and `\\` unescaped.
    static func passFileFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// The URL with the password replaced by `***`.
    public var redacted: String {
        var text = "postgresql://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var parameters: [String] = []
        if tls != .verifiedIfOffered { parameters.append("sslmode=\(tls.rawValue)") }
        if let rootCertificate { parameters.append("sslrootcert=\(rootCertificate)") }
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
