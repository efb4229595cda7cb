import Foundation
import Synchronization

/// Collects the SQL a store runs while a test asks it to: how the query-plan test finds every statement a reading
/// command uses, without a second copy of them.
final class StatementRecorder: Sendable {
    private let statements = Mutex<[String]?>(nil)

    func record(_ sql: String) {
        statements.withLock { $0?.append(sql) }
    }

    /// Starts recording (forgetting what was recorded before).
    func start() { statements.withLock { $0 = [] } }

    /// Stops recording and returns the statements, in order.
    func stop() -> [String] {
        statements.withLock { current in
            defer { current = nil }; return current ?? []
        }
    }
}
