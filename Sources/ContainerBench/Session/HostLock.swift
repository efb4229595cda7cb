import ContainerBenchEngine
import Foundation

/// Something held for the duration of a measuring run that keeps other runs off the machine.
public protocol HostLocking: Sendable {}

/// A lock (flock) per engine, held for the duration of a measuring run: two runs on one engine at once would spoil
/// each other's measurements. Reading commands (history, report, plot) never take it. Released when the value is
/// released.
///
/// The lock files live in one folder for every user of the host (`/run/lock/containerbench`), so that root and a
/// docker-group user, cron and an ssh login, exclude each other on the same engine. The folder is checked before
/// use (a real folder, not a symlink, owned by root or this user, and sticky when others may write to it, so no
/// one can replace another's lock file), and lock files are opened without following symlinks and must be regular
/// files: another local user can neither redirect a run's write into a file of theirs nor plant a FIFO
/// (docs/security.md).
public final class HostLock: HostLocking {
    public let path: String
    private let descriptor: Int32
    private let writable: Bool

    /// Takes the lock at `path` without waiting.
    /// - Throws: `HostLockError` naming the pid of the run that holds it, or what is wrong with the file.
    public init(path: String) throws {
        self.path = path
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        var writable = true
        if fd < 0 && errno == EACCES {
            // Another user's lock file (0644): a read-only descriptor takes the same lock.
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            writable = false
        }
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symlink" : String(cString: strerror(errno))
            throw HostLockError(message: "cannot open the host lock \(path): \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw HostLockError(message: "the host lock \(path) is not a regular file: remove it")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw HostLockError(
                message: "another containerbench run (pid \(holder.isEmpty ? "?" : holder)) is measuring on this "
                    + "engine; concurrent runs spoil each other's figures. Wait for it, or stop it (lock: \(path))")
        }
        descriptor = fd
        self.writable = writable
        if writable {
            _ = ftruncate(fd, 0)
            let pid = "\(getpid())\n"
            _ = pid.withCString { write(fd, $0, strlen($0)) }
        }
    }

    /// The lock of the engine `key` names (its engine id: the same engine reached through its socket and through
    /// ssh is one engine), in the lock folder, or `CONTAINERBENCH_LOCK` when set.
    public convenience init(engineKey key: String) throws {
        try self.init(path: try Self.path(engineKey: key))
    }

    /// The lock of `engine`: keyed by the engine's id (`docker info`), else its endpoint.
    public static func forEngine(_ engine: any ContainerEngine) async throws -> HostLock {
        let id = ((try? await engine.info())?.id).flatMap { $0.isEmpty ? nil : $0 }
        return try HostLock(engineKey: id ?? engine.endpoint.description)
    }

    deinit {
        if writable { _ = ftruncate(descriptor, 0) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// `CONTAINERBENCH_LOCK` when set, else `engine-HASH.lock` in the lock folder.
    public static func path(
        engineKey key: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        if let override = environment["CONTAINERBENCH_LOCK"], !override.isEmpty { return override }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return try lockFolder() + "/engine-" + String(repeating: "0", count: 16 - hex.count) + hex + ".lock"
    }

    /// The lock folder of every user of this host: /run/lock/containerbench where /run/lock is writable, else
    /// containerbench-locks in the temporary directory; made sticky and world-writable (as /tmp) when missing,
    /// and checked (`checkedFolder`).
    public static func lockFolder() throws -> String {
        let folder =
            access("/run/lock", W_OK) == 0
            ? "/run/lock/containerbench" : FileManager.default.temporaryDirectory.path + "/containerbench-locks"
        return try checkedFolder(folder)
    }

    /// `folder`, made 1777 when missing; refused unless it is a real folder (not a symlink) owned by root or
    /// this user, that others can write to only when it is sticky.
    static func checkedFolder(_ folder: String) throws -> String {
        if mkdir(folder, 0o1777) == 0 {
            chmod(folder, 0o1777)
        } else if errno != EEXIST {
            throw HostLockError(message: "cannot make the lock folder \(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw HostLockError(message: "cannot read the lock folder \(folder): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw HostLockError(message: "the lock folder \(folder) is not a folder (a symlink or a file): remove it")
        }
        let othersWrite = info.st_mode & 0o022 != 0
        let sticky = info.st_mode & S_ISVTX != 0
        guard info.st_uid == 0 || info.st_uid == geteuid(), !othersWrite || sticky else {
            throw HostLockError(
                message: "the lock folder \(folder) belongs to another user, or others can replace files in it (not "
                    + "sticky): remove it, or set CONTAINERBENCH_LOCK to a file in a folder of yours")
        }
        return folder
    }
}

/// Another run holds the host lock.
public struct HostLockError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
