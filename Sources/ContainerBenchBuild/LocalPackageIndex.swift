import ContainerBenchSupport
import Foundation
import Synchronization

/// A package index on 127.0.0.1 that serves wheels from a local folder, so that builds install from this machine
/// and an installer comparison measures the installers, not the network.
///
/// It answers `GET|HEAD /simple/<project>/` with a PEP 503 page listing the folder's wheels of that project, and
/// any path whose last component is a wheel in the folder with that file, whatever the directories before it (so a
/// uv.lock mirrored onto this host, `/packages/ab/cd/…/name.whl`, is served too). Everything else is 404. Hashes are
/// not listed: pip (`--require-hashes`) and uv (`--locked`) check the locked sha256 of what they download.
public final class LocalPackageIndex: Sendable {
    /// The folder the wheels are served from.
    public let directory: URL
    /// The port the index listens on (127.0.0.1 only).
    public let port: Int
    private let listener: Int32
    private let state = Mutex<(served: [String: Int], stopped: Bool)>(([:], false))
    private let finished = DispatchSemaphore(value: 0)

    /// The index URL for installers (`…/simple`).
    public var url: String { "http://127.0.0.1:\(port)/simple" }
    /// The base URL files are served under.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts serving `directory` on a free loopback port (the kernel's choice).
    /// - Throws: `BuildError` when the folder is missing or no socket can be opened.
    public init(directory: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw BuildError("the local package index folder \(directory.path) does not exist")
        }
        self.directory = directory
        guard let (fd, port) = LoopbackSocket.bind() else {
            throw BuildError("could not open a socket on 127.0.0.1 for the local package index (errno \(errno))")
        }
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw BuildError("could not listen on 127.0.0.1 for the local package index (errno \(errno))")
        }
        self.port = port
        self.listener = fd
        let thread = Thread { [self] in
            defer { finished.signal() }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if state.withLock({ $0.stopped }) { return }
                    continue
                }
                let worker = Thread { [self] in self.handle(client) }
                worker.start()
            }
        }
        thread.name = "containerbench-index"
        thread.start()
    }

    /// How many times each file was served (by file name); index pages are not counted.
    public var served: [String: Int] { state.withLock { $0.served } }

    /// Stops listening; connections in progress finish on their own.
    public func stop() {
        let already = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        _ = finished.wait(timeout: .now() + 2)
    }

    deinit {
        stop()
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            request += buffer[0..<count]
            if request.count >= 4, request.suffix(4).elementsEqual([13, 10, 13, 10]) { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET" || parts[0] == "HEAD" else {
            respond(client, status: "405 Method Not Allowed", type: "text/plain", body: Data("GET only\n".utf8))
            return
        }
        let head = parts[0] == "HEAD"
        let path = String(parts[1].split(separator: "?").first ?? "").removingPercentEncoding ?? ""
        let components = path.split(separator: "/").map(String.init)
        if components.count == 2, components[0] == "simple" {
            let page = indexPage(project: components[1])
            respond(client, status: "200 OK", type: "text/html", body: Data(page.utf8), head: head)
            return
        }
        guard let name = components.last, !name.hasPrefix("."), name.hasSuffix(".whl"),
            let data = try? Data(contentsOf: directory.appendingPathComponent(name))
        else {
            respond(client, status: "404 Not Found", type: "text/plain", body: Data("not in the local index\n".utf8))
            return
        }
        if !head { state.withLock { $0.served[name, default: 0] += 1 } }
        respond(client, status: "200 OK", type: "application/octet-stream", body: data, head: head)
    }

    /// PEP 503 page of `project`'s wheels in the folder.
    func indexPage(project: String) -> String {
        let wanted = Self.normalize(project)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let links = files.sorted().filter { name in
            name.hasSuffix(".whl") && Self.normalize(String(name.split(separator: "-").first ?? "")) == wanted
        }.map { "<a href=\"/files/\($0)\">\($0)</a><br/>" }
        return "<!DOCTYPE html><html><body>\n" + links.joined(separator: "\n") + "\n</body></html>\n"
    }

    /// PEP 503 name normalisation: lower case, runs of `-`, `_`, `.` become `-`.
    static func normalize(_ name: String) -> String {
        var result = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { result.append("-") }
                lastWasSeparator = true
            } else {
                result.append(character)
                lastWasSeparator = false
            }
        }
        return result
    }

    private func respond(_ client: Int32, status: String, type: String, body: Data, head: Bool = false) {
        let header =
            "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var payload = Data(header.utf8)
        if !head { payload.append(body) }
        payload.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let sent = send(client, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}
