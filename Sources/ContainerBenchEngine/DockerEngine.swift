import ContainerBenchSupport
import Foundation
import Synchronization

/// A client of the Docker Engine API (and of Podman's Docker-compatible API) over libcurl: through a unix socket,
/// TCP with verified TLS, or an SSH tunnel (`SSHDialer`). Its curl handle is used on a thread of its own
/// (`SerialCurl`), so calls never block Swift's cooperative pool and are serialised; long-lived event streams and
/// image saves use handles of their own (`EngineEventStream`, `saveImage`) over the same connection.
public final class DockerEngine: ContainerEngine {
    /// The oldest API version containerbench speaks; every call is made with this version in the path.
    public static let minimumAPIVersion = "1.41"

    public let endpoint: EngineEndpoint
    /// How every curl handle of this engine connects.
    package let connection: EngineConnection
    /// The environment a docker CLI needs to reach this engine (see `ContainerEngine.clientEnvironment`).
    public let clientEnvironment: [String: String]
    private let http: SerialCurl
    /// The SSH tunnel of an ssh:// engine; stopped when the engine is released.
    private let dialer: SSHDialer?
    /// A private directory of links named ca.pem, cert.pem, key.pem when the TLS files were named otherwise (the
    /// docker CLI reads only those names); removed when the engine is released.
    private let certificateLinks: String?

    /// The unix socket libcurl connects through (a local engine's, or the SSH tunnel's); nil for TCP.
    public var socketPath: String? { connection.unixSocket }

    /// Seconds a `docker save` stream may go without a byte before it is given up on (a stalled engine).
    public let stallTimeout: Double

    /// Makes a client for `endpoint`, or for the one DOCKER_HOST names (or /var/run/docker.sock). An ssh://
    /// endpoint starts its tunnel's socket here (ssh itself runs per connection).
    /// - Throws: `EngineError` when DOCKER_HOST cannot be used, libcurl cannot be initialised or the tunnel's
    ///   socket cannot be made.
    public init(endpoint requested: EngineEndpoint? = nil, stallTimeout: Double = 120) throws(EngineError) {
        self.stallTimeout = stallTimeout
        let endpoint: EngineEndpoint
        if let requested {
            endpoint = requested
        } else {
            endpoint = try Self.environmentEndpoint()
        }
        self.endpoint = endpoint
        var environment = endpoint.clientEnvironment
        var links: String?
        switch endpoint.transport {
        case .unix(let path):
            dialer = nil
            connection = EngineConnection(
                baseURL: "http://localhost", unixSocket: path, tls: nil, display: endpoint.description)
        case .tcp(let host, let port, let tls):
            dialer = nil
            let name = host.contains(":") ? "[\(host)]" : host
            connection = EngineConnection(
                baseURL: "\(tls == nil ? "http" : "https")://\(name):\(port)", unixSocket: nil, tls: tls,
                display: endpoint.description)
            if let tls, !tls.usesDockerFileNames {
                let directory = try Self.linkCertificates(tls)
                links = directory
                environment["DOCKER_CERT_PATH"] = directory
            }
        case .ssh(let destination):
            let tunnel = try SSHDialer(destination: destination)
            dialer = tunnel
            connection = EngineConnection(
                baseURL: "http://localhost", unixSocket: tunnel.socketPath, tls: nil, display: endpoint.description)
            // The docker CLI goes through the same tunnel, so builds use the very ssh options the API calls use
            // (BatchMode, known hosts, -F); the CLI's own ssh:// support would read only ~/.ssh/config.
            environment = ["DOCKER_HOST": "unix://\(tunnel.socketPath)"]
        }
        clientEnvironment = environment
        certificateLinks = links
        self.http = try SerialCurl(name: "containerbench-engine")
    }

    private static func environmentEndpoint() throws(EngineError) -> EngineEndpoint {
        try EngineEndpoint.fromEnvironment()
    }

    /// Makes a client for the unix socket at `socketPath`.
    public convenience init(socketPath: String) throws(EngineError) {
        try self.init(endpoint: EngineEndpoint(socketPath: socketPath))
    }

    deinit {
        dialer?.stop()
        if let certificateLinks { try? FileManager.default.removeItem(atPath: certificateLinks) }
    }

    /// The socket named by DOCKER_HOST, or the default.
    /// - Throws: `EngineError` when DOCKER_HOST is not a unix socket (use `EngineEndpoint.fromEnvironment`).
    public static func defaultSocketPath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EngineError) -> String {
        let endpoint = try EngineEndpoint.fromEnvironment(environment)
        guard let path = endpoint.socketPath else {
            throw EngineError(.badEndpoint, "DOCKER_HOST=\(endpoint.dockerHost) is not a unix socket")
        }
        return path
    }

    /// Checks that an engine answers and speaks API 1.41 or newer.
    /// - Returns: the engine's version.
    /// - Throws: `EngineError.notRunning` when nothing answers, `.tls` when the TLS connection fails (certificate
    ///   not trusted, refused, or missing), `.ssh` when the tunnel fails, `.unsupportedAPI` when the engine is
    ///   too old.
    @discardableResult
    public func connect() async throws(EngineError) -> EngineVersion {
        let ping = await request("GET", "/_ping", versioned: false, timeout: dialer == nil ? 5 : 20)
        guard ping.transportSucceeded, ping.status == 200 else {
            throw connectionFailure(ping)
        }
        let version: EngineVersion = try await get("/version", versioned: false)
        guard Self.compare(version.apiVersion, Self.minimumAPIVersion) >= 0 else {
            throw EngineError(
                .unsupportedAPI,
                "the engine speaks API \(version.apiVersion); containerbench needs \(Self.minimumAPIVersion) or "
                    + "newer (Docker 20.10+, Podman 4+)")
        }
        return version
    }

    /// Why `/_ping` did not answer 200, as a user can act on it.
    private func connectionFailure(_ ping: CurlResponse) -> EngineError {
        let place = endpoint.dockerHost
        if case .tcp(_, _, let tls) = endpoint.transport {
            if EngineConnection.isTLSFailure(ping), let tls {
                return EngineError(
                    .tls,
                    "the TLS connection to \(place) failed (\(ping.curlMessage)): the engine's certificate must be "
                        + "signed by \(tls.caFile) and name the host, and the engine must accept the client "
                        + "certificate \(tls.certFile); check DOCKER_CERT_PATH or --tls-ca/--tls-cert/--tls-key")
            }
            if tls == nil, ping.status == 400 || EngineConnection.isTLSFailure(ping) {
                return EngineError(
                    .tls,
                    "\(place) answers only TLS (\(Self.daemonMessage(ping.body).prefix(80))): set "
                        + "DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or pass --tls-ca, --tls-cert and --tls-key")
            }
        }
        if let dialer {
            let reason = dialer.lastFailure ?? ping.curlMessage
            return EngineError(
                .ssh,
                "no engine answers through ssh to \(place) (\(reason)): check that sshd answers there, accepts "
                    + "your key without a password (BatchMode), the host is in known_hosts, and `docker` on that "
                    + "host reaches its engine")
        }
        if ping.transportSucceeded {
            return EngineError(
                .notRunning,
                "\(place) answered HTTP \(ping.status) to /_ping, not 200 (\(Self.daemonMessage(ping.body).prefix(120))): "
                    + "is it a Docker or Podman API?", status: ping.status)
        }
        return EngineError(
            .notRunning,
            "no container engine answers on \(endpoint.socketPath ?? place) (\(ping.curlMessage)); start dockerd (`make setup` does), or "
                + "point DOCKER_HOST or --engine at a running engine")
    }

    /// Links `tls`'s files as ca.pem, cert.pem and key.pem in a private directory, for the docker CLI.
    private static func linkCertificates(_ tls: EngineTLSFiles) throws(EngineError) -> String {
        guard let directory = PrivateDirectory.make(prefix: "containerbench-certs") else {
            throw EngineError(.tls, "could not make a private directory under /tmp for the docker CLI's TLS files")
        }
        let files = FileManager.default
        for (name, target) in [("ca.pem", tls.caFile), ("cert.pem", tls.certFile), ("key.pem", tls.keyFile)] {
            let absolute = URL(fileURLWithPath: target).standardizedFileURL.path
            do {
                try files.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: absolute)
            } catch {
                try? files.removeItem(atPath: directory)
                throw EngineError(.tls, "could not link \(target) for the docker CLI: \(error)")
            }
        }
        return directory
    }

    /// Engine facts for the environment fingerprint and `doctor`.
    public func info() async throws(EngineError) -> EngineInfo {
        try await get("/info")
    }

    /// The engine's version.
    public func version() async throws(EngineError) -> EngineVersion {
        try await get("/version", versioned: false)
    }

    /// Inspects an image; nil when it does not exist.
    public func inspectImage(_ name: String) async throws(EngineError) -> ImageInspect? {
        do {
            return try await get("/images/\(Self.escape(name))/json") as ImageInspect
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// An image's layers, newest first, as the engine reports them.
    public func imageHistory(_ name: String) async throws(EngineError) -> [ImageHistoryItem] {
        try await get("/images/\(Self.escape(name))/history")
    }

    /// Removes an image (forced); missing images are not an error.
    public func removeImage(_ name: String) async throws(EngineError) {
        let response = await request("DELETE", "/images/\(Self.escape(name))?force=1", timeout: 60)
        if response.status == 404 { return }
        try check(response, what: "remove image \(name)")
    }

    /// Creates a container; returns its id.
    public func createContainer(_ spec: ContainerSpec) async throws(EngineError) -> String {
        var hostConfig: [String: Any] = [
            "NetworkMode": spec.networkMode,
            "SecurityOpt": ["no-new-privileges"],
        ]
        if let memory = spec.memoryLimit { hostConfig["Memory"] = memory }
        if let cpus = spec.cpuLimit { hostConfig["NanoCpus"] = Int64(cpus * 1_000_000_000) }
        var body: [String: Any] = [
            "Image": spec.image,
            "Env": spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
            "Labels": spec.labels,
            "HostConfig": hostConfig,
        ]
        if let command = spec.command { body["Cmd"] = command }
        if let interval = spec.healthInterval { body["Healthcheck"] = ["Interval": interval] }
        var path = "/containers/create"
        if let name = spec.name { path += "?name=\(Self.escape(name))" }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw EngineError(.decoding, "could not encode the container spec: \(error)")
        }
        let response = await request("POST", path, body: data, timeout: 30)
        try check(response, what: "create a container from \(spec.image)")
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        return try decode(Created.self, response.body, what: "create").id
    }

    /// Starts a created container.
    public func startContainer(_ id: String) async throws(EngineError) {
        let response = await request("POST", "/containers/\(id)/start", timeout: 30)
        if response.status == 304 { return }
        try check(response, what: "start container \(id.prefix(12))")
    }

    /// Inspects a container.
    public func inspectContainer(_ id: String) async throws(EngineError) -> ContainerInspect {
        try await get("/containers/\(id)/json")
    }

    /// Stops a container, waiting up to `timeout` seconds before the engine kills it.
    public func stopContainer(_ id: String, timeout: Int = 5) async throws(EngineError) {
        let response = await request("POST", "/containers/\(id)/stop?t=\(timeout)", timeout: Double(timeout) + 30)
        if response.status == 304 || response.status == 404 { return }
        try check(response, what: "stop container \(id.prefix(12))")
    }

    /// Removes a container (forced, with its anonymous volumes); a missing container is not an error.
    public func removeContainer(_ id: String) async throws(EngineError) {
        let response = await request("DELETE", "/containers/\(id)?force=1&v=1", timeout: 60)
        if response.status == 404 { return }
        try check(response, what: "remove container \(id.prefix(12))")
    }

    /// The last `tail` lines of a container's stdout and stderr, demultiplexed.
    public func logs(_ id: String, tail: Int = 50) async throws(EngineError) -> String {
        let response = await request("GET", "/containers/\(id)/logs?stdout=1&stderr=1&tail=\(tail)", timeout: 10)
        try check(response, what: "read the logs of \(id.prefix(12))")
        return Self.demultiplex(response.body)
    }

    /// Ids of containers (running or not) that carry `label` (`key` or `key=value`).
    public func containers(withLabel label: String) async throws(EngineError) -> [String] {
        let filters = "{\"label\":[\"\(label)\"]}"
        let query = "/containers/json?all=1&filters=\(Self.escape(filters))"
        let rows: [IDRow] = try await get(query)
        return rows.map(\.id)
    }

    public func listContainers(withLabel label: String) async throws(EngineError) -> [EngineObject] {
        let filters = "{\"label\":[\"\(label)\"]}"
        let rows: [ObjectRow] = try await get("/containers/json?all=1&filters=\(Self.escape(filters))")
        return rows.map(\.object)
    }

    public func listImages(withLabel label: String) async throws(EngineError) -> [EngineObject] {
        let filters = "{\"label\":[\"\(label)\"]}"
        let rows: [ObjectRow] = try await get("/images/json?filters=\(Self.escape(filters))")
        return rows.map(\.object)
    }

    /// A list row of containers or images: id, labels, creation time (Unix seconds).
    private struct ObjectRow: Decodable {
        var id: String
        var labels: [String: String]?
        var created: Int64?
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case labels = "Labels"
            case created = "Created"
        }
        var object: EngineObject {
            // No creation time is read as "now": nothing is taken for old that the engine did not say is.
            EngineObject(
                id: id, labels: labels ?? [:],
                created: created.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date())
        }
    }

    /// Removes untagged images that carry `label` (what re-tagging a rebuilt image leaves behind); returns the
    /// bytes reclaimed.
    @discardableResult
    public func pruneDanglingImages(withLabel label: String) async throws(EngineError) -> Int64 {
        let filters = "{\"dangling\":[\"true\"],\"label\":[\"\(label)\"]}"
        let response = await request("POST", "/images/prune?filters=\(Self.escape(filters))", timeout: 120)
        try check(response, what: "prune dangling images")
        struct Pruned: Decodable {
            var spaceReclaimed: Int64?
            enum CodingKeys: String, CodingKey { case spaceReclaimed = "SpaceReclaimed" }
        }
        return try decode(Pruned.self, response.body, what: "image prune").spaceReclaimed ?? 0
    }

    /// Ids of images that carry `label`.
    public func images(withLabel label: String) async throws(EngineError) -> [String] {
        let filters = "{\"label\":[\"\(label)\"]}"
        let rows: [IDRow] = try await get("/images/json?filters=\(Self.escape(filters))")
        return rows.map(\.id)
    }

    /// Tags image `source` as `repository:tag`.
    public func tagImage(_ source: String, repository: String, tag: String) async throws(EngineError) {
        let query = "repo=\(Self.escape(repository))&tag=\(Self.escape(tag))"
        let response = await request("POST", "/images/\(Self.escape(source))/tag?\(query)", timeout: 30)
        try check(response, what: "tag \(source) as \(repository):\(tag)")
    }

    /// The `repository:tag` names of the images of `repository`.
    public func imageTags(repository: String) async throws(EngineError) -> [String] {
        struct Row: Decodable {
            var repoTags: [String]?
            enum CodingKeys: String, CodingKey { case repoTags = "RepoTags" }
        }
        let filters = "{\"reference\":[\"\(repository)\"]}"
        let rows: [Row] = try await get("/images/json?filters=\(Self.escape(filters))")
        return rows.flatMap { $0.repoTags ?? [] }.filter { $0.hasPrefix(repository + ":") }.sorted()
    }

    /// Labels of a container listed by `containers(withLabel:)`.
    public func labels(ofContainer id: String) async throws(EngineError) -> [String: String] {
        struct Config: Decodable {
            var labels: [String: String]?
            enum CodingKeys: String, CodingKey { case labels = "Labels" }
        }
        struct Inspect: Decodable {
            var config: Config
            enum CodingKeys: String, CodingKey { case config = "Config" }
        }
        let inspect: Inspect = try await get("/containers/\(id)/json")
        return inspect.config.labels ?? [:]
    }

    // MARK: - Plumbing

    /// A list row of which only the id is read.
    private struct IDRow: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "Id" }
    }

    private func get<T: Decodable>(_ path: String, versioned: Bool = true) async throws(EngineError) -> T {
        let response = await request("GET", path, versioned: versioned, timeout: 30)
        try check(response, what: "GET \(path)")
        return try decode(T.self, response.body, what: path)
    }

    private func request(
        _ method: String, _ path: String, body: Data? = nil, versioned: Bool = true, timeout: Double
    ) async -> CurlResponse {
        let prefix = versioned ? "/v\(Self.minimumAPIVersion)" : ""
        let connection = self.connection
        let headers = body == nil ? [] : ["Content-Type: application/json"]
        return await http.withHandle { curl in
            connection.perform(
                curl, method: method, path: prefix + path, headers: headers, body: body, timeout: timeout)
        }
    }

    private func check(_ response: CurlResponse, what: String) throws(EngineError) {
        guard response.transportSucceeded else {
            let code: EngineError.Code =
                EngineConnection.isTLSFailure(response)
                ? .tls : dialer != nil ? .ssh : response.curlCode == 7 ? .notRunning : .transport
            let tunnel = dialer?.lastFailure.map { "; \($0)" } ?? ""
            throw EngineError(
                code, "could not \(what): \(response.curlMessage) (engine \(connection.display)\(tunnel))")
        }
        guard (200..<300).contains(response.status) else {
            let message = Self.daemonMessage(response.body)
            let code: EngineError.Code = response.status == 404 ? .notFound : .http
            throw EngineError(code, "could not \(what): \(message)", status: response.status)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws(EngineError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw EngineError(.decoding, "unexpected answer to \(what): \(error)")
        }
    }

    /// The daemon's `{"message": ...}`, or the body as text.
    static func daemonMessage(_ body: Data) -> String {
        struct Message: Decodable { var message: String }
        if let decoded = try? JSONDecoder().decode(Message.self, from: body) { return decoded.message }
        return String(decoding: body.prefix(500), as: UTF8.self)
    }

    /// Splits the engine's multiplexed log stream (8-byte frame headers) into text.
    static func demultiplex(_ data: Data) -> String {
        var output = Data()
        var index = data.startIndex
        let bytes = [UInt8](data)
        var offset = 0
        // Frames: [stream, 0, 0, 0, size (big endian u32)] payload. Without a TTY the engine always frames.
        while offset + 8 <= bytes.count, bytes[offset] <= 2, bytes[offset + 1] == 0 {
            let size =
                Int(bytes[offset + 4]) << 24 | Int(bytes[offset + 5]) << 16 | Int(bytes[offset + 6]) << 8
                | Int(bytes[offset + 7])
            let start = offset + 8
            let end = min(bytes.count, start + size)
            output.append(contentsOf: bytes[start..<end])
            offset = end
        }
        if offset == 0 { return String(decoding: data, as: UTF8.self) }
        index = data.startIndex + offset
        if index < data.endIndex { output.append(data[index...]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/@")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Compares dotted versions numerically: -1, 0 or 1.
    static func compare(_ left: String, _ right: String) -> Int {
        let a = left.split(separator: ".").map { Int($0) ?? 0 }
        let b = right.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}
