import Foundation

/// Something held for the duration of a measuring run that keeps other runs off the machine.
public protocol HostLocking: Sendable {}

/// A host-wide lock (flock) held for the duration of a measuring run: two runs at once would spoil each other's
/// measurements. Reading commands (history, report, plot) never take it. Released when the value is released.
public final class HostLock: HostLocking {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock at `path` without waiting.
    /// - Throws: `HostLockError` naming the pid of the run that holds it.
    public init(path: String = HostLock.defaultPath) throws {
        self.path = path
        try? FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw HostLockError(message: "cannot open the host lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw HostLockError(
                message: "another containerbench run (pid \(holder.isEmpty ? "?" : holder)) is measuring on this host; "
                    + "concurrent runs spoil each other's figures. Wait for it, or stop it (lock: \(path))")
        }
        descriptor = fd
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// /run/lock/containerbench.lock when writable, else the temporary directory.
    public static var defaultPath: String {
        if let override = ProcessInfo.processInfo.environment["CONTAINERBENCH_LOCK"], !override.isEmpty {
            return override
        }
        if access("/run/lock", W_OK) == 0 { return "/run/lock/containerbench.lock" }
        return FileManager.default.temporaryDirectory.appendingPathComponent("containerbench.lock").path
    }
}

/// Another run holds the host lock.
public struct HostLockError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
