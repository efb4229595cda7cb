import ContainerBenchSupport
import Foundation
import Synchronization

/// A libcurl easy handle shared by the tasks of one owner: every transfer runs on the owner's own serial thread
/// (never on the cooperative pool) and holds the handle's lock, so the C handle is used by one thread at a time.
package final class SerialCurl: Sendable {
    private final class Handle: Sendable {
        let easy: Mutex<CurlEasy>
        init(_ easy: consuming sending CurlEasy) { self.easy = Mutex(easy) }
    }

    private let handle: Handle
    private let executor: BlockingExecutor

    /// A handle whose transfers run on a thread named `name`.
    /// - Throws: `EngineError` when libcurl cannot be initialised.
    package init(name: String) throws(EngineError) {
        handle = Handle(try CurlEasy())
        executor = BlockingExecutor(name: name)
    }

    /// Performs one request (see `CurlEasy.perform`), off the cooperative pool.
    package func perform(
        method: String = "GET", url: String, unixSocket: String? = nil, tls: EngineTLSFiles? = nil,
        headers: [String] = [], body: Data? = nil, timeout: Double, connectTimeout: Double = 2
    ) async -> CurlResponse {
        await executor.run { [handle] in
            handle.easy.withLock { easy in
                easy.perform(
                    method: method, url: url, unixSocket: unixSocket, tls: tls, headers: headers, body: body,
                    timeout: timeout, connectTimeout: connectTimeout)
            }
        }
    }

    /// Runs `body` with the handle on the owner's thread: for callers that stamp times around a transfer there.
    package func withHandle<Result: Sendable>(_ body: @escaping @Sendable (CurlEasy) -> Result) async -> Result {
        await executor.run { [handle] in
            handle.easy.withLock { easy in body(easy) }
        }
    }
}
