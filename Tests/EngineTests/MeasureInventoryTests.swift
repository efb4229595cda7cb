import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The inventory of real images: the fixture built with uv and pip by BuildKit (as service `inventory-fixture`,
/// so its tags are this test's own and are removed afterwards), saved through dockerd and read. The same
/// conformance body runs on the in-memory engine in `InventorySessionTests`.
@Suite("Measure: inventory of the fixture's images (engine)", .serialized)
struct MeasureInventoryTests {
    @Test("the inventory names the lock's distributions at their versions with bytes, and Debian's python3")
    func fixtureInventory() async throws {
        var rig = try await SessionRig.docker()
        rig.suite.services[0].name = "inventory-fixture"
        let locked = try SessionConformance.lockedRequirements(
            Binary.packageRoot.appendingPathComponent("benchmarks/fixture/requirements.txt"))
        #expect(!locked.isEmpty)
        let measured: Result<RunRecord, any Error>
        do {
            measured = .success(try await SessionConformance.inventoryNamesTheLockedDistributions(rig, locked: locked))
        } catch {
            measured = .failure(error)
        }
        // This test's images go, whatever happened (by tag: an image other tags share only loses this one).
        let tags = (try? await rig.engine.imageTags(repository: ImageTag.repository(service: "inventory-fixture")))
        for tag in tags ?? [] { try? await rig.engine.removeImage(tag) }
        let record = try measured.get()
        // What the real images add besides the lock: the pip venv's own pip and setuptools, Debian's packages.
        for image in record.images {
            let inventory = try #require(image.inventory)
            #expect(inventory.debian.count > 50, "a Debian base has dozens of packages")
            #expect(inventory.debianTotals.bytes > 50_000_000)
            #expect(inventory.python.allSatisfy { $0.bytes > 0 }, "\(inventory.python)")
        }
    }
}
