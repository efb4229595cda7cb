import Foundation
import Synchronization

/// Runs blocking work (libcurl transfers, file compression, a load generator's poll loop) on threads of its own, so
/// that it never occupies Swift's cooperative pool. On this project's 2-core machines the pool has two threads: one
/// blocking libcurl call on it once delayed a parallel trial's probes by over a second (docs/measurement.md).
///
/// Work items run in submission order; with one thread an executor is serial, which is how a type that owns a C
/// handle (a curl easy handle) keeps every use of it on one thread at a time. Modelled on swift-subprocess's
/// `runOnBackgroundThread`.
public final class BlockingExecutor: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        var shuttingDown = false
    }

    /// The queue, in a class so that the threads can share it (a Mutex cannot be captured).
    private final class Queue: Sendable {
        let state = Mutex(State())
        let available = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()
    private let threadCount: Int

    /// Work that is not tied to a resource: probe attempts, gzip, the load phase. Four threads, so that a long
    /// load phase does not hold up a probe.
    public static let shared = BlockingExecutor(name: "containerbench-blocking", threads: 4)

    /// Starts `threads` threads named `name`.
    public init(name: String, threads: Int = 1) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [queue] in
                while true {
                    queue.available.wait()
                    let next: (@Sendable () -> Void)? = queue.state.withLock { state in
                        state.queue.isEmpty ? nil : state.queue.removeFirst()
                    }
                    guard let next else { return }  // woken with an empty queue: shutting down
                    next()
                }
            }
            thread.name = threadCount == 1 ? name : "\(name)-\(index)"
            thread.start()
        }
    }

    deinit {
        // Threads finish the queued work, then each takes one empty wake-up and ends.
        queue.state.withLock { $0.shuttingDown = true }
        for _ in 0..<threadCount { queue.available.signal() }
    }

    /// Runs `body` on one of this executor's threads and returns what it returned or threw. Not cancellable once
    /// started: blocking work bounds itself (every libcurl call here has a timeout).
    public func run<Result: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
            let accepted = queue.state.withLock { state -> Bool in
                guard !state.shuttingDown else { return false }
                state.queue.append {
                    continuation.resume(returning: Swift.Result { () throws(Failure) -> Result in try body() })
                }
                return true
            }
            if accepted {
                queue.available.signal()
            } else {
                // Only reachable while the executor is being torn down: run inline rather than never.
                continuation.resume(returning: Swift.Result { () throws(Failure) -> Result in try body() })
            }
        }
        return try outcome.get()
    }
}

/// Runs `body` on `BlockingExecutor.shared`: the one primitive for blocking work called from async code.
public func runOnBackgroundThread<Result: Sendable, Failure: Error>(
    _ body: @escaping @Sendable () throws(Failure) -> Result
) async throws(Failure) -> Result {
    try await BlockingExecutor.shared.run(body)
}
