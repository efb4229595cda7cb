import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The inventory through the run session on the in-memory engine (its saves serve synthetic archives): `run
/// --inventory` stores it on each image, `ab --inventory` lists what B adds over A, and the same conformance body
/// runs on dockerd in EngineTests.
@Suite("Inventory through the run session (in-memory engine)")
struct InventorySessionTests {
    static let locked: [(name: String, version: String)] = {
        let url = Binary.packageRoot.appendingPathComponent("benchmarks/fixture/requirements.txt")
        return (try? SessionConformance.lockedRequirements(url)) ?? []
    }()

    @Test("the fixture's lock is read as name==version pins")
    func lock() {
        #expect(Self.locked.map { "\($0.name)==\($0.version)" } == ["humanize==4.17.0"])
    }

    @Test("with --inventory each image's inventory names the locked distributions (in-memory rig)")
    func run() async throws {
        let rig = SessionRig.inMemory()
        let engine = try #require(rig.inMemory)
        for driver in ["uv", "pip"] {
            engine.setSavedArchive(
                FixtureImageArchive.archive(driver: driver, distributions: Self.locked),
                for: "containerbench/fixture:\(driver)")
        }
        try await SessionConformance.inventoryNamesTheLockedDistributions(rig, locked: Self.locked)
    }

    @Test("without --inventory no image is saved and none has an inventory; a failed save is a warning only")
    func offAndFailing() async throws {
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let off = await rig.session(store: store).measure(rig.plan(trials: 1)).record
        #expect(off.images.count == 2 && off.images.allSatisfy { $0.inventory == nil })
        var plan = rig.plan(trials: 1)
        plan.measureInventory = true
        // No archive registered: the in-memory engine refuses the save.
        let failing = await rig.session(store: store).measure(plan).record
        #expect(failing.status == .completed && failing.images.count == 2)
        #expect(
            failing.warnings.contains {
                $0.hasPrefix("inventory of containerbench/fixture:uv-\(failing.id) not measured")
            }, "\(failing.warnings)")
    }

    @Test("ab --inventory: what B adds over A under the table and in the JSON")
    func ab() async throws {
        let rig = SessionRig.inMemory()
        let engine = try #require(rig.inMemory)
        engine.setSavedArchive(
            FixtureImageArchive.archive(driver: "uv", distributions: [("humanize", "4.17.0")]),
            for: "containerbench/svc:a")
        engine.setSavedArchive(
            FixtureImageArchive.archive(driver: "uv", distributions: [("humanize", "4.17.0"), ("requests", "2.32.3")]),
            for: "containerbench/svc:b")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dockerfile = try directory.write("Dockerfile", "FROM python:3.12-slim-bookworm\nCMD [\"serve\"]\n")
        let request = try ABRequest(
            a: try ABVariant(dockerfile: dockerfile), b: try ABVariant(dockerfile: dockerfile), name: "svc", port: 8080,
            trials: 2,
            baseImages: BaseImageMap(images: ["python:3.12-slim-bookworm": "containerbench-test/python:base"]),
            inventory: true)
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let result = try await ABRunner(session: rig.session(store: store)).run(request)
        #expect(result.record.status == .completed, "\(result.record.errors)")
        let comparison = try #require(result.report.inventory?.first)
        #expect(comparison.diff.added.map(\.name) == ["requests"])
        #expect(comparison.diff.added.first?.currentVersion == "2.32.3")
        #expect(comparison.diff.removed.isEmpty && comparison.diff.changed.isEmpty)
        let table = result.report.renderTable(showPairs: false)
        #expect(table.contains("what B adds over A:\n"))
        #expect(table.contains("1 added, 0 removed, 0 changed"))
        #expect(try result.report.renderJSON().contains("\"inventory\""))
    }
}
