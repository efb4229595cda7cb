import ContainerBench
import Foundation
import Synchronization

/// A minimal HTTP/1.1 server on 127.0.0.1 for probe tests: it starts listening after `listenDelay` seconds and
/// answers every request with `status` (or `status(forRequestNumber:)`). Real sockets, its own thread.
public final class LocalHTTPServer: Sendable {
    /// The port it listens (or will listen) on.
    public let port: Int
    /// CLOCK_MONOTONIC when listen() returned, once it has.
    public var listeningAt: Double? { state.withLock { $0.listeningAt } }
    /// Requests answered so far.
    public var requests: Int { state.withLock { $0.requests } }

    private final class Box: Sendable {
        let mutex = Mutex<(listeningAt: Double?, requests: Int, stopped: Bool)>((nil, 0, false))
        func withLock<R>(_ body: (inout (listeningAt: Double?, requests: Int, stopped: Bool)) -> R) -> R {
            mutex.withLock { body(&$0) }
        }
    }

    private let state = Box()
    private let descriptor: Int32

    /// Reserves a free port now and starts serving after `listenDelay`.
    /// - Parameter statuses: the status for request n (0-based); the last one repeats.
    public init(listenDelay: Double = 0, statuses: [Int] = [200]) throws {
        guard let (fd, boundPort) = LoopbackSocket.bind() else { throw POSIXError(.EADDRNOTAVAIL) }
        port = boundPort
        descriptor = fd
        let state = self.state
        let thread = Thread {
            if listenDelay > 0 { Thread.sleep(forTimeInterval: listenDelay) }
            guard listen(fd, 16) == 0 else { return }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            state.withLock { $0.listeningAt = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 }
            while !state.withLock({ $0.stopped }) {
                let client = accept(fd, nil, nil)
                if client < 0 { break }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &buffer, buffer.count)
                let number = state.withLock { s -> Int in
                    s.requests += 1
                    return s.requests - 1
                }
                let status = statuses[min(number, statuses.count - 1)]
                let response = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = response.withCString { write(client, $0, strlen($0)) }
                close(client)
            }
        }
        thread.start()
    }

    /// Blocks until the server listens (or `timeout` passes); returns whether it listens.
    @discardableResult
    public func waitUntilListening(timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while listeningAt == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        return listeningAt != nil
    }

    /// Stops serving and closes the socket.
    public func stop() {
        let already = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return s.stopped
        }
        guard !already else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    deinit {
        stop()
    }
}
