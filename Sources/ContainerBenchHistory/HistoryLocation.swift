import Foundation

/// Where a history lives: a SQLite file (the default) or a PostgreSQL database that many runners share.
///
/// `--history` takes either; `CONTAINERBENCH_HISTORY` supplies it when the flag is not given, which keeps a
/// password out of command lines and CI logs. Every description of a location leaves the password out.
public enum HistoryLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file.
    case file(String)
    /// A PostgreSQL database.
    case postgresql(PostgreSQLURL)

    /// The environment variable read when `--history` is not given.
    public static let environmentVariable = "CONTAINERBENCH_HISTORY"

    /// The file used when neither the flag nor the environment names one.
    public static let defaultFile = "results/history.sqlite"

    /// `text` as a location: a `postgresql://` or `postgres://` URL, otherwise a file path.
    /// - Throws: `HistoryError` (`invalidLocation`) for a URL it cannot use (the message leaves the password out).
    public static func parse(_ text: String) throws -> HistoryLocation {
        let lower = text.lowercased()
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") {
            return .postgresql(try PostgreSQLURL(text))
        }
        if lower.contains("://") {
            throw HistoryError(
                .invalidLocation, path: PostgreSQLURL.redact(text),
                detail: "only postgresql:// URLs and file paths are supported")
        }
        guard !text.isEmpty else {
            throw HistoryError(.invalidLocation, path: "''", detail: "the location is empty")
        }
        return .file(text)
    }

    /// The location the flag names, else the environment's, else `results/history.sqlite`.
    /// - Throws: `HistoryError` (`invalidLocation`).
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> HistoryLocation
    {
        if let flag { return try parse(flag) }
        if let value = environment[environmentVariable], !value.isEmpty { return try parse(value) }
        return .file(defaultFile)
    }

    /// The file path, or the URL without its password.
    public var description: String {
        switch self {
        case .file(let path): return path
        case .postgresql(let url): return url.redacted
        }
    }

    /// Opens the store at this location, creating the file or the schema when missing and migrating it.
    /// - Parameter mustExist: refuse (code `noHistory`) instead of creating: what reading commands ask, so that a
    ///   typo never leaves an empty history behind.
    /// - Throws: `HistoryError` naming the location (never its password).
    public func open(mustExist: Bool = false, now: @escaping @Sendable () -> Date = Date.init) throws
        -> any HistoryStore
    {
        switch self {
        case .file(let path):
            if mustExist && !FileManager.default.fileExists(atPath: path) {
                throw HistoryError(.noHistory, path: path)
            }
            return try SQLiteHistoryStore(path: path, now: now)
        case .postgresql(let url):
            return try PostgreSQLHistoryStore(url: url, now: now, mustExist: mustExist)
        }
    }
}
