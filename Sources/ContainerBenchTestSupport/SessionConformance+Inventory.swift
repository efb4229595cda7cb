import ContainerBench
import Foundation

extension SessionConformance {
    /// The `name==version` pins of a requirements file exported from a lock (`uv export`), in order.
    /// - Throws: when the file cannot be read.
    public static func lockedRequirements(_ url: URL) throws -> [(name: String, version: String)] {
        try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.hasPrefix("#"), !text.hasPrefix("--"), let pin = text.range(of: "==") else { return nil }
            let version = text[pin.upperBound...].prefix { !$0.isWhitespace && $0 != ";" && $0 != "\\" }
            return (String(text[..<pin.lowerBound]), String(version))
        }
    }

    /// Measures the rig's suite with `--inventory` and one trial per driver: each image's inventory names every
    /// locked distribution at its locked version, in the venv at /opt/venv, with bytes; its Debian packages include
    /// python3 with bytes and its system is Debian; and the pip image's venv adds pip over the uv image's.
    /// - Returns: the run's record, for rig-specific checks.
    @discardableResult
    public static func inventoryNamesTheLockedDistributions(
        _ rig: SessionRig, locked: [(name: String, version: String)]
    ) async throws -> RunRecord {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/history.sqlite")
        var plan = rig.plan(trials: 1)
        plan.measureInventory = true
        let record = await rig.session(store: store).measure(plan).record
        try check(record.status == .completed, "the run completed", record.errors)
        var inventories: [String: ImageInventory] = [:]
        for image in record.images {
            guard let inventory = image.inventory else {
                throw ConformanceFailure(
                    message: "expected an inventory of \(image.service)/\(image.driver); warnings: \(record.warnings)")
            }
            inventories[image.driver] = inventory
            for (name, version) in locked {
                let found = inventory.python.filter {
                    $0.normalizedName == ImageInventory.normalize(name) && $0.location.hasPrefix("/opt/venv/")
                }
                try check(
                    found.count == 1 && found.first?.version == version && (found.first?.bytes ?? 0) > 0,
                    "\(image.driver): \(name) \(version) once in /opt/venv with bytes", found)
            }
            let python3 = inventory.debian.first { $0.name == "python3" }
            try check((python3?.bytes ?? 0) > 0, "\(image.driver): the Debian package python3 with bytes", python3)
            try check(
                inventory.operatingSystem?.id == "debian", "\(image.driver): a Debian system",
                inventory.operatingSystem)
        }
        if let uv = inventories["uv"], let pip = inventories["pip"] {
            let diff = ImageInventory.diff(from: uv, to: pip)
            let added = diff.added.first { $0.name == "pip" && ($0.location ?? "").hasPrefix("/opt/venv/") }
            try check(added != nil && (added?.deltaBytes ?? 0) > 0, "pip's venv adds pip over uv's", diff.added)
        }
        return record
    }
}
