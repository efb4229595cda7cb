import ContainerBench
import Foundation
import Testing

/// The stores every history test body runs against: one body, two stores.
public enum HistoryStoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgresql

    /// The environment variable `make test` (`.ci/postgres.sh run`) sets to its private server's URL.
    public static let postgresURLVariable = "CONTAINERBENCH_TEST_POSTGRES_URL"

    public var description: String { rawValue }

    /// The private test server's URL; without one the PostgreSQL cases fail under CI and are cancelled (skipped,
    /// saying why) elsewhere.
    public static func postgresURL() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[postgresURLVariable], !url.isEmpty { return url }
        let message =
            "PostgreSQL history tests need \(postgresURLVariable) (`make test` starts a private server: "
            + "`.ci/postgres.sh run -- swift test ...`)"
        if environment["CI"] == "true" { throw PostgreSQLUnavailable(message: message) }
        try Test.cancel(Comment(rawValue: message))
    }
}

/// CI asked for the PostgreSQL tests and no server was given.
public struct PostgreSQLUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
