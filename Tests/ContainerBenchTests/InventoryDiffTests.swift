import ContainerBench
import Foundation
import Testing

/// What B adds over A: the diff of two inventories, its rendering under the comparison table and in the
/// versioned JSON, and the optional field on ImageRecord that older records decode without.
@Suite("Inventory: what B adds over A")
struct InventoryDiffTests {
    typealias Distribution = ImageInventory.Distribution
    typealias Package = ImageInventory.Package
    static let venv = "/opt/venv/lib/python3.12/site-packages"

    static let a = ImageInventory(
        python: [
            Distribution(name: "numpy", version: "1.26.4", bytes: 60_000_000, location: venv),
            Distribution(name: "requests", version: "2.31.0", bytes: 400_000, location: venv),
            Distribution(name: "six", version: "1.16.0", bytes: 40_000, location: venv),
            Distribution(name: "Typing_Extensions", version: "4.12.0", bytes: 100_000, location: venv),
        ],
        debian: [
            Package(name: "curl", version: "7.88.1-10", bytes: 500 * 1024, architecture: "amd64"),
            Package(name: "python3", version: "3.11.2-1", bytes: 81 * 1024, architecture: "amd64"),
        ])

    static let b = ImageInventory(
        python: [
            Distribution(name: "numpy", version: "2.1.0", bytes: 75_000_000, location: venv),
            Distribution(name: "pandas", version: "2.2.3", bytes: 70_000_000, location: venv),
            Distribution(name: "requests", version: "2.31.0", bytes: 400_000, location: venv),
            // Same project, other spelling, moved to another venv: changed, not removed and added.
            Distribution(
                name: "typing-extensions", version: "4.12.0", bytes: 100_000,
                location: "/app/.venv/lib/python3.12/site-packages"),
        ],
        debian: [Package(name: "python3", version: "3.11.2-1", bytes: 81 * 1024, architecture: "amd64")])

    @Test("added, removed and changed, each sorted by |bytes|, names matched as PEP 503 does")
    func diff() {
        let diff = ImageInventory.diff(from: Self.a, to: Self.b)
        #expect(diff.added.map(\.name) == ["pandas"])
        #expect(diff.added.first?.deltaBytes == 70_000_000 && diff.added.first?.baselineVersion == nil)
        #expect(diff.removed.map(\.name) == ["curl", "six"])
        #expect(diff.removed.map(\.deltaBytes) == [-512_000, -40_000])
        #expect(diff.removed.map(\.ecosystem) == [.deb, .pypi])
        #expect(diff.changed.map(\.name) == ["numpy", "typing-extensions"])
        let numpy = diff.changed[0]
        #expect(numpy.baselineVersion == "1.26.4" && numpy.currentVersion == "2.1.0" && numpy.versionChanged)
        #expect(numpy.deltaBytes == 15_000_000)
        let moved = diff.changed[1]
        #expect(
            !moved.versionChanged && moved.deltaBytes == 0
                && moved.location == "/app/.venv/lib/python3.12/site-packages")
        #expect(diff.entries.map(\.name) == ["pandas", "numpy", "curl", "six", "typing-extensions"])
        #expect(diff.pythonDeltaBytes == 70_000_000 + 15_000_000 - 40_000)
        #expect(diff.debianDeltaBytes == -512_000)
        #expect(diff.baseline.python.count == 4 && diff.current.python.count == 4)
        #expect(diff.pythonDeltaBytes + diff.debianDeltaBytes == diff.entries.map(\.deltaBytes).reduce(0, +))
    }

    @Test("the same inventory is an empty diff; one name in two venvs pairs by location")
    func pairing() {
        #expect(ImageInventory.diff(from: Self.a, to: Self.a).isEmpty)
        let two = ImageInventory(python: [
            Distribution(name: "pip", version: "24.0", bytes: 10, location: "/usr/local/lib/python3.12/site-packages"),
            Distribution(name: "pip", version: "24.0", bytes: 10, location: Self.venv),
        ])
        let one = ImageInventory(python: [
            Distribution(name: "pip", version: "24.0", bytes: 10, location: "/usr/local/lib/python3.12/site-packages")
        ])
        let diff = ImageInventory.diff(from: one, to: two)
        #expect(diff.changed.isEmpty && diff.removed.isEmpty)
        #expect(diff.added.map(\.location) == [Self.venv])
    }

    @Test("lists are sorted by name whatever order they come in; totals are in the JSON and recomputed on decode")
    func codable() throws {
        let inventory = ImageInventory(
            python: [
                Distribution(name: "zeta", version: "1", bytes: 1, location: "/x/site-packages"),
                Distribution(name: "Alpha", version: "1", bytes: 2, location: "/x/site-packages"),
            ],
            debian: [Package(name: "zlib1g", version: "1", bytes: 3), Package(name: "bash", version: "5", bytes: 4)])
        #expect(inventory.python.map(\.name) == ["Alpha", "zeta"])
        #expect(inventory.debian.map(\.name) == ["bash", "zlib1g"])
        let data = try JSONEncoder().encode(inventory)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["pythonTotals"] as? [String: Any])?["bytes"] as? Int == 3)
        #expect((object["debianTotals"] as? [String: Any])?["count"] as? Int == 2)
        #expect(try JSONDecoder().decode(ImageInventory.self, from: data) == inventory)
    }

    @Test("an ImageRecord stored before inventories decodes with none; one with an inventory round-trips")
    func imageRecordCompatibility() throws {
        let old = #"{"service":"api","driver":"uv","imageID":"sha256:1","bytes":10,"layers":[],"hasHealthcheck":false}"#
        let decoded = try JSONDecoder().decode(ImageRecord.self, from: Data(old.utf8))
        #expect(decoded.inventory == nil && decoded.bytes == 10)
        var image = ImageRecord(service: "api", driver: "uv", imageID: "sha256:1", bytes: 10)
        image.inventory = Self.b
        #expect(try JSONDecoder().decode(ImageRecord.self, from: JSONEncoder().encode(image)) == image)
    }

    static func report(inventory: [InventoryComparison]) -> ComparisonReport {
        ComparisonReport(
            schema: ComparisonReport.abSchema, baseline: .init(name: "A", source: "Dockerfile.a", runID: "r1"),
            current: .init(name: "B", source: "Dockerfile.b", runID: "r1"), findings: [], inventory: inventory)
    }

    @Test("ab's table says what B adds over A under the metrics: totals, then the largest changes")
    func table() {
        let comparison = InventoryComparison(service: "api", driver: "b vs a", baseline: Self.a, current: Self.b)
        let text = Self.report(inventory: [comparison]).renderTable(showPairs: false)
        #expect(text.contains("what B adds over A:\n"))
        #expect(text.contains("  python: 4 → 4 distributions, 60.5 MB → 145.5 MB (+85.0 MB)"))
        #expect(text.contains("  debian: 2 → 1 packages, 594.9 kB → 82.9 kB (-512.0 kB)"))
        #expect(text.contains("1 added, 2 removed, 2 changed"))
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines.firstIndex { $0.contains("CHANGE") && $0.contains("B VERSION") } ?? lines.count
        #expect(header + 2 < lines.count)
        if header + 2 < lines.count {
            #expect(lines[header + 2].hasPrefix("  added    pypi  pandas"), "\(text)")
            #expect(lines[header + 2].hasSuffix("+70.0 MB  /opt/venv/lib/python3.12/site-packages"))
            #expect(lines[header + 3].contains("numpy") && lines[header + 3].contains("1.26.4"))
        }
        if let inventoryAt = text.range(of: "what B adds")?.lowerBound,
            let verdictAt = text.range(of: "verdict:")?.lowerBound
        {
            #expect(inventoryAt < verdictAt)
        } else {
            Issue.record("the table lacks the inventory or the verdict:\n\(text)")
        }
        let limited = comparison.renderTable(showPair: true, limit: 2)
        #expect(limited.hasPrefix("what B adds over A, api/b vs a:\n"))
        #expect(limited.contains("… and 3 more in the JSON"))
        let same = InventoryComparison(service: "api", driver: "uv", baseline: Self.a, current: Self.a)
        #expect(same.renderTable().contains("the same distributions and packages"))
    }

    @Test("the JSON carries inventory[] with the diff's keys beside service and driver, and leaves it out when none")
    func json() throws {
        let comparison = InventoryComparison(service: "api", driver: "b vs a", baseline: Self.a, current: Self.b)
        let text = try Self.report(inventory: [comparison]).renderJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let entries = try #require(object["inventory"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries[0]["service"] as? String == "api" && entries[0]["driver"] as? String == "b vs a")
        let added = try #require(entries[0]["added"] as? [[String: Any]])
        #expect(added.first?["name"] as? String == "pandas" && added.first?["deltaBytes"] as? Int == 70_000_000)
        #expect(added.first?["ecosystem"] as? String == "pypi" && added.first?["change"] as? String == "added")
        let baseline = try #require(entries[0]["baseline"] as? [String: Any])
        #expect((baseline["python"] as? [String: Any])?["count"] as? Int == 4)
        let decoded = try JSONReport.decoder().decode(ComparisonReport.self, from: Data(text.utf8))
        #expect(decoded.inventory == [comparison])
        let none = try Self.report(inventory: []).renderJSON()
        #expect(!none.contains("\"inventory\""))
    }

    @Test("compare pairs the images of both runs by service and driver; images without an inventory drop out")
    func pairsOfRuns() {
        var a = ImageRecord(service: "api", driver: "uv", imageID: "sha256:1", bytes: 1)
        a.inventory = Self.a
        var b = ImageRecord(service: "api", driver: "uv", imageID: "sha256:2", bytes: 2)
        b.inventory = Self.b
        let bare = ImageRecord(service: "api", driver: "pip", imageID: "sha256:3", bytes: 3)
        let pairs = InventoryComparison.pairs(baseline: [a, bare], current: [bare, b])
        #expect(pairs.map { "\($0.service)/\($0.driver)" } == ["api/uv"])
        #expect(pairs.first?.diff == ImageInventory.diff(from: Self.a, to: Self.b))
    }
}
