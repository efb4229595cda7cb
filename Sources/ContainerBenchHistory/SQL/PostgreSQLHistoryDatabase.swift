import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A PostgreSQL database as a `HistoryDatabase`: one connection per store, used by one transaction at a time,
/// reopened when the server dropped it. Writes are one transaction per run (READ COMMITTED: concurrent runners
/// never wait on each other's rows, except the few `series_pairs` rows they share); reads run in a REPEATABLE
/// READ snapshot, so a reader sees whole runs only, even across its several statements.
final class PostgreSQLHistoryDatabase: HistoryDatabase {
    let url: PostgreSQLURL
    let logger: Logger
    private let connection: Mutex<(connection: PostgresConnection, pending: PendingQueries)?>

    var location: String { url.redacted }
    var dialect: HistoryDialect { .postgresql }

    /// Connects to `url`.
    /// - Throws: `HistoryError`: `cannotConnect`, `authenticationFailed`, `cannotOpen` (no such database).
    init(url: PostgreSQLURL) throws {
        self.url = url
        self.logger = Logger(label: "containerbench-history") { _ in SwiftLogNoOpLogHandler() }
        self.connection = Mutex(nil)
        try connection.withLock { state in state = try connect() }
    }

    deinit {
        if let open = connection.withLock({ $0 }) { _ = try? open.connection.close().wait() }
    }

    func read<T>(_ body: (any HistoryConnection) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", runID: nil, body)
    }

    func write<T>(runID: String?, _ body: (any HistoryConnection) throws -> T) throws -> T {
        try transaction("BEGIN", runID: runID, body)
    }

    func sizeInBytes() throws -> Int64? {
        try read { connection in
            try connection.scalar(
                Int64.self,
                """
                SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 't', 'm')
                """, [])
        }
    }

    func vacuum() throws {
        try connection.withLock { state in
            let open = try usable(&state)
            do {
                // VACUUM of a large history takes longer than any query: an hour at least, on both sides.
                let seconds = max(url.queryTimeout, 3600)
                let sql = PostgreSQLConnection(
                    connection: open.connection, pending: open.pending, logger: logger, timeout: seconds)
                try sql.execute("SET statement_timeout = \(seconds * 1000)", [])
                defer { _ = try? sql.execute("SET statement_timeout = \(url.queryTimeout * 1000)", []) }
                try sql.execute("VACUUM trial_timelines", [])
            } catch {
                throw translate(error, runID: nil)
            }
        }
    }

    private func transaction<T>(
        _ begin: String, runID: String?, _ body: (any HistoryConnection) throws -> T
    ) throws -> T {
        try connection.withLock { state in
            let open = try usable(&state)
            let sql = PostgreSQLConnection(
                connection: open.connection, pending: open.pending, logger: logger, timeout: url.queryTimeout)
            do {
                try sql.execute(begin, [])
                let value = try body(sql)
                try sql.execute("COMMIT", [])
                return value
            } catch {
                // When the connection is gone the server has already rolled the transaction back.
                if !open.connection.isClosed { _ = try? sql.execute("ROLLBACK", []) }
                throw translate(error, runID: runID)
            }
        }
    }

    /// The open connection, reconnecting when the server or the network dropped the last one.
    private func usable(_ state: inout (connection: PostgresConnection, pending: PendingQueries)?) throws
        -> (connection: PostgresConnection, pending: PendingQueries)
    {
        if let open = state, !open.connection.isClosed { return open }
        let fresh = try connect()
        state = fresh
        return fresh
    }

    private func connect() throws -> (connection: PostgresConnection, pending: PendingQueries) {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password(), database: url.database,
            tls: try tls())
        // postgres-nio's own limit is a backstop only: the deadline below (the same connect_timeout over the whole
        // opening) fires first and says which limit it was.
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout) + 5)
        // The server cancels a statement that outlives the client's patience too.
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(url.queryTimeout * 1000)")]
        if let schema = url.schema {
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        do {
            // connect_timeout bounds the whole opening (TCP, TLS, log-in), not only the TCP connect: a server that
            // accepts and never answers is given up on.
            let seconds = url.connectTimeout
            let connecting = PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
            let connection = try PostgreSQLConnection.waiting(for: connecting, seconds: seconds) {
                // A connection that opens after all is closed at once.
                connecting.whenSuccess { late in late.close().whenComplete { _ in } }
                return HistoryError(
                    .cannotConnect, path: "",
                    detail: "the server did not complete the connection within \(seconds) s (connect_timeout)")
            }
            return (connection, PendingQueries(following: connection))
        } catch {
            throw translate(error, runID: nil, connecting: true)
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch url.tls {
        case .disable: return .disable
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull, .verifiedIfOffered: configuration.certificateVerification = .fullVerification
        }
        if let root = url.rootCertificate {
            guard FileManager.default.isReadableFile(atPath: root) else {
                throw HistoryError(
                    .cannotConnect, path: location, detail: "sslrootcert \(root) does not exist or is not readable")
            }
            configuration.trustRoots = .file(root)
        }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            // Only libpq's prefer, and the default for a loopback server, fall back to plain TCP when the server
            // offers no TLS; a certificate that fails its check is an error either way.
            return url.allowsPlainTCP ? .prefer(context) : .require(context)
        } catch {
            throw HistoryError(.cannotConnect, path: location, detail: "cannot set up TLS: \(error)")
        }
    }

    /// What a TLS handshake error means for the user, when `error` is one: the certificate did not check out.
    static func certificateProblem(_ error: any Error) -> String? {
        let text = "\(error)"
        guard
            error is NIOSSLError || error is NIOSSLExtraError || text.contains("CERTIFICATE_VERIFY_FAILED")
                || text.contains("handshakeFailed")
        else { return nil }
        return "the server's TLS certificate was refused (\(text)): the history checks it and the host name by "
            + "default (sslmode=verify-full whenever the server offers TLS). Give the CA that signed it with "
            + "sslrootcert=FILE and connect by a name the certificate holds; sslmode=require skips the check"
    }

    /// `error` as a `HistoryError` about this database, its message free of the password.
    func translate(_ error: any Error, runID: String?, connecting: Bool = false) -> HistoryError {
        var translated = Self.classify(error, runID: runID, connecting: connecting)
        if translated.path.isEmpty { translated.path = location }
        translated.detail = url.scrub(translated.detail)
        return translated
    }

    private static func classify(_ error: any Error, runID: String?, connecting: Bool) -> HistoryError {
        if let error = error as? HistoryError { return error }
        if error is PendingQueries.Closed {
            return HistoryError(.connectionLost, path: "", detail: "the server closed the connection")
        }
        guard let error = error as? PSQLError else {
            return HistoryError(connecting ? .cannotConnect : .connectionLost, path: "", detail: "\(error)")
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "server error"
            let detail = "\(message) [SQLSTATE \(state)]"
            switch state {
            case "28P01", "28000": return HistoryError(.authenticationFailed, path: "", detail: detail)
            case "3D000": return HistoryError(.cannotOpen, path: "", detail: detail)
            case "23505" where error.serverInfo?[.constraintName] == "runs_pkey" && runID != nil:
                return HistoryError(.duplicateRun, path: "", detail: runID ?? "")
            case let code where code.hasPrefix("23"): return HistoryError(.invalidRecord, path: "", detail: detail)
            case "53100": return HistoryError(.diskFull, path: "", detail: detail)
            case "25006", "42501": return HistoryError(.readOnly, path: "", detail: detail)
            case "40001", "40P01", "55P03": return HistoryError(.busy, path: "", detail: detail)
            case "57P01", "57P02", "57P03", "08006", "08003":
                return HistoryError(.connectionLost, path: "", detail: detail)
            default: return HistoryError(.ioFailure, path: "", detail: detail)
            }
        case .sslUnsupported:
            return HistoryError(
                .cannotConnect, path: "",
                detail: "the server does not offer TLS, which the URL requires (its sslmode, or by default for a "
                    + "server that is not on this machine): nothing was sent in plain text (enable ssl on the "
                    + "server, or sslmode=prefer or disable for a server you reach only over a trusted network)")
        case .connectionError, .failedToAddSSLHandler:
            let underlying = error.underlying.map { "\($0)" } ?? "no connection"
            if let tls = error.underlying.flatMap(Self.certificateProblem) {
                return HistoryError(.cannotConnect, path: "", detail: tls)
            }
            return HistoryError(connecting ? .cannotConnect : .connectionLost, path: "", detail: underlying)
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return HistoryError(
                connecting ? .cannotConnect : .connectionLost, path: "", detail: "the server closed the connection")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return HistoryError(.authenticationFailed, path: "", detail: "\(error.code)")
        default:
            return HistoryError(.ioFailure, path: "", detail: "\(error.code)")
        }
    }
}
