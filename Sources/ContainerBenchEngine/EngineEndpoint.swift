import Foundation

/// Where a container engine is reached (a unix socket, TCP with or without TLS, or SSH), and what a docker CLI
/// (the BuildKit client) must be told to reach the same engine, so that builds and trials always use one engine.
public struct EngineEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How the Engine API is reached.
    public enum Transport: Sendable, Equatable {
        /// A unix socket on this host: the engine runs here, its cgroup files are readable here.
        case unix(path: String)
        /// `tcp://HOST:PORT`, plain HTTP when `tls` is nil, otherwise HTTPS verified against the CA with a client
        /// certificate (`DOCKER_TLS_VERIFY=1`).
        case tcp(host: String, port: Int, tls: EngineTLSFiles?)
        /// `ssh://[USER@]HOST[:PORT]`: the API is tunnelled through `ssh … docker system dial-stdio`.
        case ssh(SSHDestination)
    }

    /// Unix socket, TCP (with or without TLS) or SSH.
    public var transport: Transport

    /// An endpoint of `transport`.
    public init(transport: Transport) {
        self.transport = transport
    }

    /// The endpoint of a unix socket.
    public init(socketPath: String) {
        self.transport = .unix(path: socketPath)
    }

    /// The unix socket, when the transport is one.
    public var socketPath: String? {
        if case .unix(let path) = transport { return path }
        return nil
    }

    /// Whether the engine runs on this host (a unix socket): only then are its containers' cgroup files and
    /// processes visible here.
    public var isLocal: Bool { socketPath != nil }

    /// The address services on the engine host's network are reached at from here: 127.0.0.1 for a local engine,
    /// the engine host's name or address otherwise (a probe of it crosses the network, and its times include it).
    public var serviceHost: String {
        switch transport {
        case .unix: return "127.0.0.1"
        case .tcp(let host, _, _): return host
        case .ssh(let destination): return destination.host
        }
    }

    /// What `DOCKER_HOST` is set to for the docker CLI (`unix:///path`, `tcp://host:port`, `ssh://user@host:port`).
    public var dockerHost: String {
        switch transport {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port, _): return "tcp://\(Self.bracketed(host)):\(port)"
        case .ssh(let destination): return destination.url
        }
    }

    /// The environment a docker CLI needs to reach this engine: `DOCKER_HOST`, and for TLS `DOCKER_TLS_VERIFY=1`
    /// and `DOCKER_CERT_PATH` (a directory holding ca.pem, cert.pem and key.pem; the files' own directory when
    /// they were named one by one, see `EngineTLSFiles.certificateDirectory`).
    public var clientEnvironment: [String: String] {
        var environment = ["DOCKER_HOST": dockerHost]
        if case .tcp(_, _, let tls?) = transport {
            environment["DOCKER_TLS_VERIFY"] = "1"
            environment["DOCKER_CERT_PATH"] = tls.certificateDirectory
        }
        return environment
    }

    /// `dockerHost`, with `(TLS)` when the connection is verified TLS. Never includes key material.
    public var description: String {
        if case .tcp(_, _, .some) = transport { return "\(dockerHost) (TLS)" }
        return dockerHost
    }

    /// The default socket of a local Docker engine.
    public static let defaultSocketPath = "/var/run/docker.sock"

    /// The endpoint the flags name, else the one `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`)
    /// names, else the default socket.
    /// - Parameters:
    ///   - url: `--engine`: `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`.
    ///   - tls: `--tls-ca/--tls-cert/--tls-key`; with a `tcp://` URL they turn on verified TLS.
    ///   - sshConfig: `--ssh-config FILE`, handed to ssh as `-F FILE`.
    ///   - insecure: `--engine-insecure` (or `CONTAINERBENCH_ENGINE_INSECURE=1`): accept a `tcp://` engine without
    ///     TLS. Refused otherwise: every request, container variables included, would cross the network in clear,
    ///     and whoever reaches the port controls the engine.
    /// - Throws: `EngineError` with code `badEndpoint` naming what is wrong and how to fix it; code `tls` when a
    ///   certificate file is missing or unreadable.
    public static func resolve(
        url: String? = nil, tls: EngineTLSFiles? = nil, sshConfig: String? = nil, insecure: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EngineError) -> EngineEndpoint {
        let insecure = insecure || environment["CONTAINERBENCH_ENGINE_INSECURE"] == "1"
        if let url, !url.isEmpty {
            // As the docker CLI: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH apply to -H tcp:// too.
            return try parse(
                url, tls: tls, tlsFromEnvironment: tls == nil, sshConfig: sshConfig, insecure: insecure,
                environment: environment)
        }
        if tls != nil {
            guard let host = environment["DOCKER_HOST"], host.hasPrefix("tcp://") else {
                throw EngineError(
                    .badEndpoint,
                    "--tls-ca/--tls-cert/--tls-key need a tcp:// engine: pass --engine tcp://HOST:PORT "
                        + "(or set DOCKER_HOST)")
            }
            return try parse(
                host, tls: tls, tlsFromEnvironment: false, sshConfig: sshConfig, insecure: insecure,
                environment: environment)
        }
        guard let host = environment["DOCKER_HOST"], !host.isEmpty else {
            return EngineEndpoint(socketPath: defaultSocketPath)
        }
        return try parse(
            host, tls: nil, tlsFromEnvironment: true, sshConfig: sshConfig, insecure: insecure,
            environment: environment)
    }

    /// The endpoint `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`) names, or the default socket.
    /// - Throws: `EngineError` as `resolve` does.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EngineError) -> EngineEndpoint {
        try resolve(environment: environment)
    }

    private static func parse(
        _ url: String, tls: EngineTLSFiles?, tlsFromEnvironment: Bool, sshConfig: String?, insecure: Bool,
        environment: [String: String]
    ) throws(EngineError) -> EngineEndpoint {
        if url.hasPrefix("unix://") {
            let path = String(url.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw EngineError(.badEndpoint, "\(url) is not an absolute socket path: write unix:///path/to.sock")
            }
            if tls != nil {
                throw EngineError(.badEndpoint, "TLS files were given for \(url): TLS applies to tcp:// engines only")
            }
            return EngineEndpoint(socketPath: path)
        }
        if url.hasPrefix("tcp://") {
            let (host, port) = try hostAndPort(String(url.dropFirst("tcp://".count)), defaultPort: nil, url: url)
            var files = tls
            if files == nil, tlsFromEnvironment, let verify = environment["DOCKER_TLS_VERIFY"], !verify.isEmpty,
                verify != "0"
            {
                let directory =
                    environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
                    ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
                files = EngineTLSFiles(directory: directory)
            }
            if let files { try files.validate() }
            guard files != nil || insecure else {
                throw EngineError(
                    .badEndpoint,
                    "\(url) without TLS would send every request (container variables included) in clear, and "
                        + "anyone who reaches the port controls the engine: give its TLS files (--tls-ca, --tls-cert "
                        + "and --tls-key, or DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH), or pass --engine-insecure "
                        + "(CONTAINERBENCH_ENGINE_INSECURE=1) for a port only trusted hosts reach")
            }
            return EngineEndpoint(transport: .tcp(host: host, port: port, tls: files))
        }
        if url.hasPrefix("ssh://") {
            if tls != nil {
                throw EngineError(.badEndpoint, "TLS files were given for \(url): ssh:// engines use ssh's own keys")
            }
            var rest = String(url.dropFirst("ssh://".count))
            if let slash = rest.firstIndex(of: "/") {
                guard rest[slash...] == "/" else {
                    throw EngineError(
                        .badEndpoint,
                        "\(url) names a socket path: containerbench runs `docker system dial-stdio` on the host, "
                            + "which finds the engine itself; drop the path")
                }
                rest = String(rest[..<slash])
            }
            var user: String?
            if let at = rest.lastIndex(of: "@") {
                user = String(rest[..<at])
                rest = String(rest[rest.index(after: at)...])
                guard let name = user, !name.isEmpty, !name.hasPrefix("-") else {
                    throw EngineError(.badEndpoint, "\(url) has an empty or invalid user name")
                }
            }
            let (host, port) = try hostAndPort(rest, defaultPort: 22, url: url)
            return EngineEndpoint(
                transport: .ssh(
                    SSHDestination(
                        user: user, host: host, port: port == 22 ? nil : port,
                        configFile: sshConfig
                            ?? environment["CONTAINERBENCH_SSH_CONFIG"].flatMap {
                                $0.isEmpty ? nil : $0
                            })))
        }
        throw EngineError(
            .badEndpoint,
            "\(url) is not an engine address containerbench knows: use unix:///path, tcp://HOST:PORT (with TLS "
                + "files) or ssh://[USER@]HOST[:PORT]")
    }

    /// Splits `host:port` (or `[v6]:port`); a host must not start with "-" (it would reach ssh as an option).
    private static func hostAndPort(
        _ text: String, defaultPort: Int?, url: String
    ) throws(EngineError) -> (String, Int) {
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw EngineError(.badEndpoint, "\(url): an IPv6 address needs a closing ]")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, !host.hasPrefix("-"),
            host.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:".contains($0) })
        else {
            throw EngineError(.badEndpoint, "\(url) has no valid host name")
        }
        guard let portText else {
            guard let defaultPort else {
                throw EngineError(.badEndpoint, "\(url) has no port: write tcp://HOST:PORT (Docker's TLS port is 2376)")
            }
            return (host, defaultPort)
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw EngineError(.badEndpoint, "\(url) has an invalid port \(portText)")
        }
        return (host, port)
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}
