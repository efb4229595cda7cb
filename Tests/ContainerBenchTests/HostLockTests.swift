import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@testable import ContainerBench

/// The measuring lock (docs/security.md): one per engine, in a checked folder every user shares, never through a
/// symlink.
@Suite("Host lock")
struct HostLockTests {
    @Test("one lock per engine: the same engine is refused while held, another engine is not")
    func perEngine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["CONTAINERBENCH_LOCK": ""]
        let a = try HostLock.path(engineKey: "FOJB:EUZS", environment: environment)
        let b = try HostLock.path(engineKey: "QX7Z:AB12", environment: environment)
        #expect(
            a != b && a.hasSuffix(".lock")
                && URL(fileURLWithPath: a).deletingLastPathComponent().path
                    == URL(fileURLWithPath: b).deletingLastPathComponent().path
        )
        #expect(
            try HostLock.path(engineKey: "x", environment: ["CONTAINERBENCH_LOCK": "/tmp/mine.lock"])
                == "/tmp/mine.lock")
        let held = try HostLock(path: directory.path + "/a.lock")
        #expect(throws: HostLockError.self) { try HostLock(path: directory.path + "/a.lock") }
        let other = try HostLock(path: directory.path + "/b.lock")
        var info = stat()
        #expect(stat(held.path, &info) == 0 && info.st_mode & 0o777 == 0o644, "others may open it to wait their turn")
        _ = other
    }

    @Test("a lock file that is a symlink or a FIFO, and a folder that is a symlink or not sticky, are refused")
    func privateAndNoSymlinks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let victim = try directory.write("victim.txt", "keep\n")
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/planted.lock", withDestinationPath: victim)
        do {
            _ = try HostLock(path: directory.path + "/planted.lock")
            Issue.record("a symlinked lock was opened")
        } catch {
            #expect("\(error)".contains("it is a symlink"), "\(error)")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n", "the symlink's target is untouched")

        let open = directory.path + "/open"
        mkdir(open, 0o777)
        chmod(open, 0o777)
        #expect(throws: HostLockError.self, "others may replace files in it") { try HostLock.checkedFolder(open) }
        let shared = directory.path + "/shared"
        mkdir(shared, 0o1777)
        chmod(shared, 0o1777)
        #expect(try HostLock.checkedFolder(shared) == shared, "sticky, as /tmp: every user's locks side by side")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/linked", withDestinationPath: shared)
        #expect(throws: HostLockError.self) { try HostLock.checkedFolder(directory.path + "/linked") }
        let made = try HostLock.checkedFolder(directory.path + "/fresh")
        var info = stat()
        #expect(lstat(made, &info) == 0 && info.st_mode & 0o7777 == 0o1777)
        // A FIFO planted as the lock file is refused (never blocked on).
        mkfifo(shared + "/fifo.lock", 0o666)
        #expect(throws: HostLockError.self) { try HostLock(path: shared + "/fifo.lock") }
        // The default folder passes its own check.
        #expect(try HostLock.lockFolder().isEmpty == false)
    }
}
