import Foundation
import PostgresNIO
import Synchronization

/// The queries waiting on one connection. When the connection closes (the server went away, the network broke)
/// every waiting query fails at once, and later ones are refused before they are written.
final class PendingQueries: Sendable {
    private struct State {
        var closed = false
        var next: UInt64 = 0
        var promises: [UInt64: EventLoopPromise<PostgresQueryResult>] = [:]
    }

    /// The connection closed.
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the server closed the connection" }
    }

    private let state = Mutex(State())

    /// Follows `connection`: once it closes, pending and later queries fail with `Closed`.
    init(following connection: PostgresConnection) {
        connection.closeFuture.whenComplete { [weak self] _ in self?.failAll() }
    }

    private func failAll() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.promises = [:] }
            return Array(state.promises.values)
        }
        for promise in waiting { promise.fail(Closed()) }
    }

    /// Registers `promise`; refused when the connection is already closed.
    func add(_ promise: EventLoopPromise<PostgresQueryResult>) throws -> UInt64 {
        let ticket: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            state.next += 1
            state.promises[state.next] = promise
            return state.next
        }
        guard let ticket else {
            promise.fail(Closed())
            throw Closed()
        }
        return ticket
    }

    /// Forgets a finished query.
    func remove(_ ticket: UInt64) {
        _ = state.withLock { $0.promises.removeValue(forKey: ticket) }
    }
}
