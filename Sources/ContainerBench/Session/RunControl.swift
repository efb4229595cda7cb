import Foundation
import Synchronization

/// Lets a signal handler stop a session: cancelling stops the measuring task after its current step (containers
/// are removed, the run is stored as interrupted); what follows measurement (storing, reports) still runs.
public final class RunControl: Sendable {
    private struct State {
        var cancelCurrent: (@Sendable () -> Void)?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// A control that is not cancelled.
    public init() {}

    /// Stops the current measuring task (and any later one) after its current step.
    public func cancel() {
        let cancelCurrent = state.withLock { state -> (@Sendable () -> Void)? in
            state.cancelled = true
            return state.cancelCurrent
        }
        cancelCurrent?()
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Runs `body` as the measuring task this control cancels, and returns its result.
    func measuring<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) async -> Result {
        let task = Task { await body() }
        let cancelled = state.withLock { state -> Bool in
            state.cancelCurrent = { task.cancel() }
            return state.cancelled
        }
        if cancelled { task.cancel() }
        let result = await task.value
        state.withLock { $0.cancelCurrent = nil }
        return result
    }
}
