import Foundation

/// A history database: transactions over connections, with errors translated into `HistoryError`s that name
/// `location` (a file path, or a URL without its password).
protocol HistoryDatabase: Sendable {
    /// The file or the URL (password removed) named in every message.
    var location: String { get }

    /// Which database this is.
    var dialect: HistoryDialect { get }

    /// Runs `body` in a read-only transaction that sees one committed state throughout.
    func read<T>(_ body: (any HistoryConnection) throws -> T) throws -> T

    /// Runs `body` in a write transaction: all of it is committed, or nothing. `runID` names the run a unique
    /// violation of `runs.id` is about (`duplicateRun`).
    func write<T>(runID: String?, _ body: (any HistoryConnection) throws -> T) throws -> T

    /// The database's size in bytes, or nil when it cannot tell.
    func sizeInBytes() throws -> Int64?

    /// Reclaims the space deleted rows left (outside any transaction).
    func vacuum() throws
}

extension HistoryDatabase {
    /// Runs `body` in a write transaction.
    func write<T>(_ body: (any HistoryConnection) throws -> T) throws -> T {
        try write(runID: nil, body)
    }
}
