import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The history cannot be written: a read-only file system, and a disk that fills up while the run measures.
/// Uses a small tmpfs (the tests run as root, as CI does); it is unmounted afterwards.
@Suite("Faults: history", .serialized)
struct FaultHistoryTests {
    /// A tmpfs of `size` mounted on a fresh folder inside `fixture`.
    static func mountTmpfs(in fixture: FaultFixture, size: String) async throws -> String {
        let mountPoint = fixture.directory.path + "/tmpfs"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try await ProcessRunner.run(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint])
        try #require(mounted.succeeded, "mount needs root: \(mounted.error)")
        return mountPoint
    }

    static func unmount(_ mountPoint: String) async {
        let result = try? await ProcessRunner.run("/bin/umount", [mountPoint])
        #expect(result?.succeeded == true, "umount \(mountPoint): \(result?.error ?? "did not run")")
    }

    /// A history on a read-only file system is refused up front: exit 4 with a clear message, before anything
    /// is built, and the file is unchanged.
    @Test func readOnlyHistoryIsRefusedUpFront() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let mountPoint = try await Self.mountTmpfs(in: fixture, size: "1m")
        let history = mountPoint + "/history.sqlite"
        _ = try SQLiteHistoryStore(path: history)
        let before = try Data(contentsOf: URL(fileURLWithPath: history))
        let remounted = try await ProcessRunner.run("/bin/mount", ["-o", "remount,ro", mountPoint])
        #expect(remounted.succeeded, "\(remounted.error)")
        let context = try fixture.fixtureContext("fix", port: 18210)
        try fixture.writeSuite([FaultFixture.service("hostile-readonly", context: context, port: 18210)])
        let started = Date()
        let result = try await Binary.run(
            ["run", "--suite", fixture.suitePath, "--targets", "none", "--history", history, "--no-floor"],
            environment: ["CONTAINERBENCH_LOCK": fixture.lock])
        let after = try? Data(contentsOf: URL(fileURLWithPath: history))
        await Self.unmount(mountPoint)
        #expect(result.exitCode == ExitStatus.infrastructureError.rawValue, "\(result.error)")
        #expect(result.error.contains(history), "the message names the file: \(result.error)")
        #expect(
            result.error.lowercased().contains("read-only") || result.error.contains("read only"), "\(result.error)")
        #expect(Date().timeIntervalSince(started) < 10, "refused before building")
        #expect(!result.output.contains("build"))
        #expect(after == before, "the file is unchanged")
    }

    /// The disk fills up while trials run: the final save fails with a clear error (exit 4) and leaves no partial
    /// run behind; once space is back the history opens and holds no run.
    @Test func diskFullDuringTheRunLeavesNoPartialRun() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let mountPoint = try await Self.mountTmpfs(in: fixture, size: "1m")
        var mounted = true
        defer { if mounted { Task { await Self.unmount(mountPoint) } } }
        let history = mountPoint + "/history.sqlite"
        let service = "hostile-diskfull"
        let context = try fixture.fixtureContext("fix", port: 18211)
        try fixture.writeSuite([
            FaultFixture.service(service, context: context, port: 18211, trials: 3, memoryWindow: 1)
        ])
        defer { Task { await FaultFixture.removeImages(services: [service]) } }
        let process = try fixture.start([
            "run", "--suite", fixture.suitePath, "--targets", "none", "--history", history, "--results-dir",
            fixture.results, "--no-floor", "--baseline", "none", "--quiet",
        ])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Once a trial container exists the store is open; then fill the file system to the last byte.
        let label = "\(ContainerLabels.service)=\(service)"
        let trials = try await FaultFixture.eventually(seconds: 180) {
            try await !FaultFixture.containers(label: label).isEmpty || !process.isRunning
        }
        #expect(trials && process.isRunning, "\(fixture.output())")
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try handle.close()
        let status = await FaultFixture.wait(for: process, seconds: 120)
        #expect(status == ExitStatus.infrastructureError.rawValue, "\(fixture.output())")
        #expect(fixture.output().error.contains("could not be stored"), "\(fixture.output().error)")
        try FileManager.default.removeItem(atPath: filler)
        do {
            // Scoped: the store's open handles would keep the tmpfs busy.
            let store = try SQLiteHistoryStore(path: history)
            #expect(try store.runs(filter: RunFilter()).isEmpty, "no partial run")
        }
        await Self.unmount(mountPoint)
        mounted = false
        #expect(try await FaultFixture.containers(label: label).isEmpty)
    }

    /// Reading commands keep working while a run writes: a second store (another connection, as another process
    /// would open) reads during the save's open transaction and sees no partial run, then sees the whole run.
    @Test func readersWorkDuringASave() throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let writer = try SQLiteHistoryStore(path: fixture.history)
        var run = RunRecord(
            id: "20261129T020000Z-0000beef", startedAt: Date(timeIntervalSince1970: 1_764_381_600), status: .completed,
            suite: "hostile", environment: EnvironmentFingerprint(harnessVersion: "0.1.0"))
        run.errors = ["one"]
        var seenDuringSave: [RunSummaryRow]?
        try writer.save(run, evaluation: nil) {
            let reader = try SQLiteHistoryStore(path: fixture.history)
            seenDuringSave = try reader.runs(filter: RunFilter())
        }
        #expect(seenDuringSave?.isEmpty == true, "the open transaction is invisible to readers, and they do not block")
        let reader = try SQLiteHistoryStore(path: fixture.history)
        #expect(try reader.run(id: run.id)?.errors == ["one"])
    }
}
