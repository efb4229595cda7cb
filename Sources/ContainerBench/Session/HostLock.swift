import ContainerBenchEngine
import Foundation

/// Something held for the duration of a measuring run that keeps other runs off the machine.
public protocol HostLocking: Sendable {}

/// A lock (flock) per engine, held for the duration of a measuring run: two runs on one engine at once would spoil
/// each other's measurements. Reading commands (history, report, plot) never take it. Released when the value is
/// released.
///
/// The lock files live in a folder private to this user (`privateFolder`: 0700, owned by this user, not a
/// symlink, checked before use) and are opened without following symlinks, so another local user can neither
/// hold a run off by planting the file nor make a run write into a file of theirs (docs/security.md).
public final class HostLock: HostLocking {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock at `path` without waiting.
    /// - Throws: `HostLockError` naming the pid of the run that holds it, or what is wrong with the file.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symlink" : String(cString: strerror(errno))
            throw HostLockError(message: "cannot open the host lock \(path): \(reason)")
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
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    /// The lock of the engine `key` names (its engine id: the same engine reached through its socket and through
    /// ssh is one engine), in the private folder, or `CONTAINERBENCH_LOCK` when set.
    public convenience init(engineKey key: String) throws {
        try self.init(path: try Self.path(engineKey: key))
    }

    /// The lock of `engine`: keyed by the engine's id (`docker info`), else its endpoint.
    public static func forEngine(_ engine: any ContainerEngine) async throws -> HostLock {
        let id = ((try? await engine.info())?.id).flatMap { $0.isEmpty ? nil : $0 }
        return try HostLock(engineKey: id ?? engine.endpoint.description)
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// `CONTAINERBENCH_LOCK` when set, else `engine-HASH.lock` in the private folder.
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
        return try privateFolder(environment: environment) + "/engine-"
            + String(repeating: "0", count: 16 - hex.count) + hex + ".lock"
    }

    /// The lock folder: /run/containerbench for root, else `$XDG_RUNTIME_DIR/containerbench`, else
    /// `/tmp/containerbench-UID`; made 0700 when missing, and refused unless it is a real folder of this user that
    /// no one else can write to.
    public static func privateFolder(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        let uid = geteuid()
        let folder: String
        if uid == 0, access("/run", W_OK) == 0 {
            folder = "/run/containerbench"
        } else if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, access(runtime, W_OK) == 0 {
            folder = runtime + "/containerbench"
        } else {
            folder = FileManager.default.temporaryDirectory.path + "/containerbench-\(uid)"
        }
        return try checkedFolder(folder)
    }

    /// `folder`, made 0700 when missing; refused unless it is a real folder of this user no one else can write to.
    static func checkedFolder(_ folder: String) throws -> String {
        let uid = geteuid()
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw HostLockError(
                message: "cannot make the lock folder \(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw HostLockError(message: "cannot read the lock folder \(folder): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw HostLockError(message: "the lock folder \(folder) is not a folder (a symlink or a file): remove it")
        }
        guard info.st_uid == uid, info.st_mode & 0o022 == 0 else {
            throw HostLockError(
                message: "the lock folder \(folder) belongs to another user or others can write to it: remove it, "
                    + "or set CONTAINERBENCH_LOCK to a file in a folder of yours")
        }
        return folder
    }
}

/// Another run holds the host lock.
public struct HostLockError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
