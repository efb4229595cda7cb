import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Asks `http://HOST:PORT/PATH` whether a service is ready: 127.0.0.1 for a local engine (only loopback), the engine
/// host's address for a remote one. Each attempt runs on the probe's own thread with its own curl handle, and is
/// stamped there, on CLOCK_MONOTONIC.
public final class HTTPReadinessProbe: ReadinessProbe {
    public let host: String
    public let port: Int
    public let path: String
    /// Upper bound of one attempt, so a service that accepts but never answers cannot stall the loop.
    public let attemptTimeout: Double
    private let curl: SerialCurl

    /// Makes a probe of `host`:`port``path`.
    /// - Throws: `EngineError` when libcurl cannot be initialised.
    public init(host: String = "127.0.0.1", port: Int, path: String, attemptTimeout: Double = 1.0) throws {
        self.host = host
        self.port = port
        self.path = path
        self.attemptTimeout = attemptTimeout
        self.curl = try SerialCurl(name: "containerbench-probe")
    }

    /// The URL probed.
    public var url: String { "http://\(Self.authority(host: host, port: port))\(path)" }

    /// `host:port`, with an IPv6 address in brackets.
    public static func authority(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Makes one attempt.
    public func attempt() async -> ProbeAttempt {
        let (url, timeout) = (self.url, attemptTimeout)
        return await curl.withHandle { curl in
            let start = MonotonicClock.now()
            let response = curl.perform(
                url: url, headers: ["Connection: close"], timeout: timeout, connectTimeout: min(0.5, timeout))
            let end = MonotonicClock.now()
            let connected = response.connectSeconds.map { start + $0 }
            let status = response.status > 0 ? response.status : nil
            return ProbeAttempt(
                startedAt: start, connectedAt: connected ?? (status != nil ? end : nil), status: status, endedAt: end)
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice), or nil.
    public static func freePort() -> Int? {
        guard let (fd, port) = LoopbackSocket.bind() else { return nil }
        close(fd)
        return port
    }

    /// Whether anything at all accepts connections on the port now (used to refuse a run whose port is taken).
    public static func portAnswers(_ port: Int) -> Bool {
        portAnswers(port, host: "127.0.0.1")
    }

    /// Whether anything accepts TCP connections on `host`:`port` now (within half a second).
    public static func portAnswers(_ port: Int, host: String) -> Bool {
        guard host != "127.0.0.1" else { return loopbackAnswers(port) }
        guard let curl = try? CurlEasy() else { return false }
        let response = curl.perform(
            url: "http://\(authority(host: host, port: port))/", timeout: 0.5, connectTimeout: 0.5)
        return response.connectSeconds != nil || response.status > 0
    }

    private static func loopbackAnswers(_ port: Int) -> Bool {
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

/// Makes `HTTPReadinessProbe`s: the probes of real trials.
public struct HTTPReadinessProbes: ReadinessProbeFactory {
    /// Upper bound of one attempt.
    public var attemptTimeout: Double
    /// Where services are reached: 127.0.0.1, or a remote engine's host.
    public var host: String
    /// Where the probes run relative to the engine's host.
    public var origin: MeasurementProvenance.ProbeOrigin

    /// Probes of `host` whose attempts last at most `attemptTimeout` seconds.
    public init(
        attemptTimeout: Double = 1.0, host: String = "127.0.0.1",
        origin: MeasurementProvenance.ProbeOrigin = .engineHost
    ) {
        self.attemptTimeout = attemptTimeout
        self.host = host
        self.origin = origin
    }

    public func makeProbe(port: Int, path: String) throws -> any ReadinessProbe {
        try HTTPReadinessProbe(host: host, port: port, path: path, attemptTimeout: attemptTimeout)
    }

    public func portIsTaken(_ port: Int) -> Bool {
        host == "127.0.0.1" ? HTTPReadinessProbe.portAnswers(port) : HTTPReadinessProbe.portAnswers(port, host: host)
    }
}
