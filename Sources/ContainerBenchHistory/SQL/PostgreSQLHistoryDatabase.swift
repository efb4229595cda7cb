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
                _ = try PostgreSQLConnection(connection: open.connection, pending: open.pending, logger: logger)
                    .execute("VACUUM trial_timelines", [])
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
            let sql = PostgreSQLConnection(connection: open.connection, pending: open.pending, logger: logger)
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
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: try tls())
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        if let schema = url.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
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
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            return url.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw HistoryError(.cannotConnect, path: location, detail: "cannot set up TLS: \(error)")
        }
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
            return HistoryError(.cannotConnect, path: "", detail: "the server does not offer TLS (sslmode)")
        case .connectionError, .failedToAddSSLHandler:
            let underlying = error.underlying.map { "\($0)" } ?? "no connection"
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
