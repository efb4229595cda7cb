import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A unix socket in a private directory (mode 0700) through which libcurl and the docker CLI reach an engine on
/// another host: every connection to it starts one `ssh … -- HOST docker system dial-stdio` (argument arrays only,
/// never a shell) and relays bytes both ways until either side closes, as the Docker CLI's own ssh helper does.
/// Stopped (children terminated, socket and directory removed) by `stop()` or when released.
package final class SSHDialer: Sendable {
    private struct State {
        var stopped = false
        var children: [Int32: Process] = [:]
        /// The last ssh failure (its exit status and stderr), for the error a failed engine call reports.
        var lastFailure: String?
        var connections = 0
    }

    private final class Box: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    /// The socket to connect to (`CURLOPT_UNIX_SOCKET_PATH`, or `DOCKER_HOST=unix://…` for the docker CLI).
    package let socketPath: String
    package let destination: SSHDestination
    private let directory: String
    private let listener: Int32
    private let ssh: String
    private let state = Box()
    private let acceptFinished = DispatchSemaphore(value: 0)

    /// Opens the socket and starts accepting.
    /// - Throws: `EngineError` (code `ssh`) when no ssh client is installed or the socket cannot be made.
    package init(destination: SSHDestination) throws(EngineError) {
        guard let ssh = Self.findSSH() else {
            throw EngineError(
                .ssh,
                "no ssh client (looked for ssh on PATH and /usr/bin/ssh): install openssh-client to reach "
                    + "\(destination.url)")
        }
        guard let directory = PrivateDirectory.make(prefix: "containerbench-ssh") else {
            throw EngineError(.ssh, "could not make a private directory under /tmp for the ssh socket: \(Self.errno())")
        }
        let socketPath = directory + "/engine.sock"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0, Self.bind(listener, to: socketPath), listen(listener, 32) == 0 else {
            let reason = Self.errno()
            if listener >= 0 { close(listener) }
            rmdir(directory)
            throw EngineError(.ssh, "could not listen on \(socketPath) for the ssh tunnel: \(reason)")
        }
        self.ssh = ssh
        self.destination = destination
        self.directory = directory
        self.socketPath = socketPath
        self.listener = listener
        let thread = Thread { [state, acceptFinished, ssh, destination] in
            defer { acceptFinished.signal() }
            Self.acceptLoop(listener: listener, ssh: ssh, destination: destination, state: state)
        }
        thread.name = "containerbench-ssh-accept"
        thread.start()
    }

    deinit {
        stop()
    }

    /// The last ssh failure (exit status and stderr), if a connection failed.
    package var lastFailure: String? { state.withLock { $0.lastFailure } }

    /// How many connections were made through the tunnel (each one ssh process).
    package var connectionCount: Int { state.withLock { $0.connections } }

    /// Stops accepting, terminates the ssh processes, removes the socket and its directory. Idempotent.
    package func stop() {
        let children: [Process]? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return Array(state.children.values)
        }
        guard let children else { return }
        _ = acceptFinished.wait(timeout: .now() + 2)
        close(listener)
        for child in children where child.isRunning { child.terminate() }
        unlink(socketPath)
        rmdir(directory)
    }

    // MARK: - Relaying

    private static func acceptLoop(listener: Int32, ssh: String, destination: SSHDestination, state: Box) {
        while !state.withLock({ $0.stopped }) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            // Not inherited by the ssh processes of other connections (they would hold this one open).
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let thread = Thread {
                relay(client: client, ssh: ssh, destination: destination, state: state)
            }
            thread.name = "containerbench-ssh-relay"
            thread.start()
        }
    }

    /// Runs one ssh for `client` and copies bytes both ways; the client's end of file closes ssh's stdin, ssh's end
    /// of output closes the client's read side.
    private static func relay(client: Int32, ssh: String, destination: SSHDestination, state: Box) {
        defer { close(client) }
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &input) == 0 else { return }
        guard socketpair(AF_UNIX, type, 0, &output) == 0 else {
            close(input[0])
            close(input[1])
            return
        }
        let errors = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ssh)
        process.arguments = destination.dialArguments
        process.standardInput = FileHandle(fileDescriptor: input[1], closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: output[1], closeOnDealloc: false)
        process.standardError = errors
        do {
            try process.run()
        } catch {
            state.withLock { $0.lastFailure = "could not run \(ssh): \(error)" }
            for fd in input + output { close(fd) }
            return
        }
        close(input[1])
        close(output[1])
        let toSSH = input[0]
        let fromSSH = output[0]
        let pid = process.processIdentifier
        let stopped = state.withLock { state -> Bool in
            state.children[pid] = process
            state.connections += 1
            return state.stopped
        }
        if stopped { process.terminate() }
        let upstreamDone = DispatchSemaphore(value: 0)
        let upstream = Thread {
            copy(from: client, to: toSSH)
            shutdown(toSSH, Int32(SHUT_WR))
            upstreamDone.signal()
        }
        upstream.name = "containerbench-ssh-up"
        upstream.start()
        let relayed = copy(from: fromSSH, to: client)
        // ssh's output ended: it is exiting. Record why before the client sees the end, so that the error the
        // client then reports can name ssh's reason.
        let stderrText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        state.withLock { state in
            state.children[pid] = nil
            if process.terminationStatus != 0 && !state.stopped {
                let lines = stderrText.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " | ")
                state.lastFailure =
                    "ssh exited with status \(process.terminationStatus)"
                    + (lines.isEmpty ? "" : ": \(lines)") + (relayed == 0 ? "" : " (after \(relayed) bytes)")
            }
        }
        shutdown(client, Int32(SHUT_WR))
        // ssh is gone: nothing reads what the client still sends, so stop waiting for it.
        shutdown(client, Int32(SHUT_RD))
        upstreamDone.wait()
        close(toSSH)
        close(fromSSH)
    }

    /// Copies until end of file or an error; returns the bytes copied. Writes never raise SIGPIPE.
    @discardableResult
    private static func copy(from source: Int32, to destination: Int32) -> Int {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && Glibc.errno == EINTR { continue }
            guard count > 0 else { return total }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return -1 }
                    return send(destination, base + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
                if written < 0 && Glibc.errno == EINTR { continue }
                guard written > 0 else { return total }
                offset += written
            }
            total += count
        }
    }

    private static func bind(_ fd: Int32, to path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    private static func findSSH() -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(directory)/ssh"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func errno() -> String { String(cString: strerror(Glibc.errno)) }
}
