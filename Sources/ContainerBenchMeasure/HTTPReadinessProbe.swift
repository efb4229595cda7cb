import ContainerBenchEngine
import ContainerBenchSupport
import Foundation

/// One attempt of the readiness probe.
public struct ProbeAttempt: Sendable, Equatable {
    /// When the attempt started (monotonic seconds).
    public var startedAt: Double
    /// When the TCP connection was accepted, if it was.
    public var connectedAt: Double?
    /// The HTTP status, or nil when no response arrived.
    public var status: Int?
    /// When the attempt ended.
    public var endedAt: Double
}

/// Asks `http://127.0.0.1:PORT/PATH` whether a service is ready. Only loopback is ever probed.
/// Owns its curl handle (keep-alive is disabled per attempt by the service closing or by reuse; either is fine).
public final class HTTPReadinessProbe {
    public let port: Int
    public let path: String
    /// Upper bound of one attempt, so a service that accepts but never answers cannot stall the loop.
    public let attemptTimeout: Double
    private let curl: CurlEasy

    /// Makes a probe of 127.0.0.1:`port``path`.
    public init(port: Int, path: String, attemptTimeout: Double = 1.0) throws {
        self.port = port
        self.path = path
        self.attemptTimeout = attemptTimeout
        self.curl = try CurlEasy()
    }

    /// The URL probed.
    public var url: String { "http://127.0.0.1:\(port)\(path)" }

    /// Makes one attempt.
    public func attempt() -> ProbeAttempt {
        let start = MonotonicClock.now()
        let response = curl.perform(
            url: url, headers: ["Connection: close"], timeout: attemptTimeout,
            connectTimeout: min(0.5, attemptTimeout))
        let end = MonotonicClock.now()
        let connected = response.connectSeconds.map { start + $0 }
        let status = response.status > 0 ? response.status : nil
        return ProbeAttempt(
            startedAt: start, connectedAt: connected ?? (status != nil ? end : nil), status: status, endedAt: end)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice), or nil.
    public static func freePort() -> Int? {
        guard let (fd, port) = LoopbackSocket.bind() else { return nil }
        close(fd)
        return port
    }

    /// Whether anything at all accepts connections on the port now (used to refuse a run whose port is taken).
    public static func portAnswers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
