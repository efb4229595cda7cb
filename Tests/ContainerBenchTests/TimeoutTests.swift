import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Every wait has a limit (docs/security.md): a child process, a PostgreSQL server that accepts and never answers,
/// and a statement that never ends each fail within their limit, saying what stalled.
@Suite("Timeouts")
struct TimeoutTests {
    @Test("a child that outlives its limit is stopped, and the error names it; one within its limit is not")
    func childProcess() async throws {
        let started = Date()
        do {
            _ = try await ProcessRunner.run("/bin/sleep", ["60"], timeout: 1)
            Issue.record("sleep 60 finished within 1 s")
        } catch let error as ProcessTimeout {
            #expect(error.description.hasPrefix("sleep 60 did not finish within 1 s"), "\(error)")
        }
        // SIGTERM ends sleep at once; the 5 s SIGKILL grace is never needed.
        #expect(Date().timeIntervalSince(started) < 8)
        let quick = try await ProcessRunner.run("/bin/echo", ["ok"], timeout: 5)
        #expect(quick.output == "ok\n")
    }

    /// A TCP listener on 127.0.0.1 that completes the handshake (backlog) and never reads or answers.
    final class SilentServer: @unchecked Sendable {
        let port: Int
        private let descriptor: Int32

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }

    @Test("a PostgreSQL server that accepts and never answers fails the open within connect_timeout, in the binary")
    func silentServer() async throws {
        let server = try SilentServer()
        let url = "postgresql://ci:pw@127.0.0.1:\(server.port)/bench?connect_timeout=2&sslmode=disable"
        let started = Date()
        do {
            _ = try PostgreSQLHistoryStore(url: try PostgreSQLURL(url))
            Issue.record("a silent server was taken for a history")
        } catch let error as HistoryError {
            #expect(error.code == .cannotConnect, "\(error)")
            #expect(error.description.contains("within 2 s (connect_timeout)"), "\(error)")
            #expect(!error.description.contains(":pw@"), "no password: \(error)")
        }
        #expect(Date().timeIntervalSince(started) < 10)
        // Every history command the same way: exit 4 within the limit.
        for arguments in [["history", "list"], ["report"], ["gc", "--prune-history"]] {
            let began = Date()
            let result = try await Binary.run(arguments + ["--history", url])
            #expect(result.exitCode == ExitStatus.infrastructureError.rawValue, "\(arguments): \(result.error)")
            #expect(result.error.contains("connect_timeout"), "\(arguments): \(result.error)")
            #expect(Date().timeIntervalSince(began) < 15, "\(arguments)")
        }
        _ = server
    }

    @Test("a statement that outlives query_timeout fails, the connection is dropped, and the store goes on")
    func statementTimeout() throws {
        let base = try HistoryStoreKind.postgresURL()
        let url = try PostgreSQLURL(base + (base.contains("?") ? "&" : "?") + "query_timeout=1")
        let started = Date()
        do {
            try PostgreSQLHistoryStore.executeRaw("SELECT pg_sleep(30)", at: url)
            Issue.record("pg_sleep(30) finished within 1 s")
        } catch let error as HistoryError {
            #expect(
                error.description.contains("query_timeout") || error.description.contains("statement timeout"),
                "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 15)
        try PostgreSQLHistoryStore.executeRaw("SELECT 1", at: url)
    }

    /// An engine on a unix socket that answers an image save with headers and a first chunk, then never sends
    /// another byte (and never closes).
    final class StallingEngine: @unchecked Sendable {
        let path: String
        private let descriptor: Int32
        /// The connections accepted (closed with the server).
        final class Clients: @unchecked Sendable {
            private let lock = NSLock()
            private var descriptors: [Int32] = []
            func add(_ descriptor: Int32) { lock.withLock { descriptors.append(descriptor) } }
            var all: [Int32] { lock.withLock { descriptors } }
        }
        private let accepted = Clients()

        init(path: String) throws {
            self.path = path
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            self.descriptor = descriptor
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0, listen(descriptor, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
            let listener = descriptor
            Thread.detachNewThread { [accepted] in
                while true {
                    let client = accept(listener, nil, nil)
                    guard client >= 0 else { return }
                    accepted.add(client)
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = read(client, &buffer, buffer.count)
                    let answer =
                        "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "200\r\n" + String(repeating: "x", count: 512) + "\r\n"
                    _ = answer.withCString { write(client, $0, strlen($0)) }
                }
            }
        }

        deinit {
            close(descriptor)
            for client in accepted.all { close(client) }
            unlink(path)
        }
    }

    @Test("a docker save stream that stalls is given up on after the stall limit, naming the image")
    func stalledSave() async throws {
        let directory = try TemporaryDirectory("cb-stall")
        defer { directory.remove() }
        let server = try StallingEngine(path: directory.path + "/engine.sock")
        let engine = try DockerEngine(endpoint: EngineEndpoint(socketPath: server.path), stallTimeout: 2)
        let target = directory.url.appendingPathComponent("image.tar")
        let started = Date()
        do {
            _ = try await engine.saveImage("stalled:latest", to: target)
            Issue.record("a stalled save finished")
        } catch {
            #expect(error.message.contains("could not save image stalled:latest"), "\(error)")
        }
        // libcurl judges the speed over a window of a few seconds after the limit: bounded, if not to the second.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!FileManager.default.fileExists(atPath: target.path), "no partial archive is left")
        _ = server
    }
}
