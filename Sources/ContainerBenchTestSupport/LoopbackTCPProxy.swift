import ContainerBench
import Foundation

/// The shared engine's unix socket offered on `tcp://127.0.0.1:PORT` (plain TCP, loopback only), so that a test can
/// reach the very same dockerd as another runner would through `--engine tcp://… --engine-insecure`. Each accepted
/// connection is relayed byte for byte to a new connection to the socket, on two threads. Stop it with `stop()`.
public final class LoopbackTCPProxy: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var open: [Int32] = []
    private var stopped = false

    /// Listens on a free loopback port and relays to `socketPath`.
    /// - Throws: `RemoteEngineError` when no loopback port can be had.
    public init(socketPath: String = "/var/run/docker.sock") throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw RemoteEngineError("no socket for the TCP proxy") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw RemoteEngineError("the TCP proxy could not listen on 127.0.0.1")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop(socketPath: socketPath) }
    }

    /// `tcp://127.0.0.1:PORT`.
    public var url: String { "tcp://127.0.0.1:\(port)" }

    private func acceptLoop(socketPath: String) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in socketPath.utf8.enumerated() where index < buffer.count - 1 {
                    buffer[index] = byte
                }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0, track([client, upstream]) else {
                close(client)
                close(upstream)
                continue
            }
            Thread.detachNewThread { Self.pump(from: client, to: upstream) }
            Thread.detachNewThread { Self.pump(from: upstream, to: client) }
        }
    }

    /// Remembers `descriptors` for `stop()`; false once stopped.
    private func track(_ descriptors: [Int32]) -> Bool {
        lock.withLock {
            guard !stopped else { return false }
            open += descriptors
            return true
        }
    }

    /// Copies bytes until either side closes, then shuts both directions down.
    private static func pump(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                // MSG_NOSIGNAL: a peer that went away is an error here, not a SIGPIPE that ends the test process.
                let written = buffer.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return -1 }
                    return send(target, base + sent, count - sent, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else {
                    shutdown(source, Int32(SHUT_RDWR))
                    shutdown(target, Int32(SHUT_RDWR))
                    return
                }
                sent += written
            }
        }
        shutdown(target, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
    }

    /// Stops listening and closes every relayed connection.
    public func stop() {
        let descriptors = lock.withLock { () -> [Int32] in
            stopped = true
            defer { open = [] }
            return open
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for descriptor in descriptors {
            shutdown(descriptor, Int32(SHUT_RDWR))
            close(descriptor)
        }
    }
}
