import Foundation

extension ImageInventory {
    /// What `current` adds over `baseline`.
    ///
    /// Python distributions are matched by PEP 503 name, Debian packages by name. When a name is installed more
    /// than once on a side (two virtual environments, two architectures), installs in the same location
    /// (architecture) are paired first, then the rest in order; a distribution that only moved (`/opt/venv` →
    /// `/app/.venv`) is therefore `changed`, not removed and added.
    public static func diff(from baseline: ImageInventory, to current: ImageInventory) -> InventoryDiff {
        var added: [InventoryDiff.Entry] = []
        var removed: [InventoryDiff.Entry] = []
        var changed: [InventoryDiff.Entry] = []
        func collect(_ entries: [InventoryDiff.Entry]) {
            for entry in entries {
                switch entry.change {
                case .added: added.append(entry)
                case .removed: removed.append(entry)
                case .changed: changed.append(entry)
                }
            }
        }
        collect(
            compare(
                baseline.python.map(Item.init), current.python.map(Item.init), ecosystem: .pypi,
                key: { ImageInventory.normalize($0.name) }))
        collect(compare(baseline.debian.map(Item.init), current.debian.map(Item.init), ecosystem: .deb, key: \.name))
        return InventoryDiff(
            baseline: InventoryDiff.Side(baseline), current: InventoryDiff.Side(current), added: added,
            removed: removed, changed: changed)
    }

    /// A distribution or a package, as the diff sees it.
    private struct Item {
        var name: String
        var version: String
        var bytes: Int64
        /// Python: the folder; Debian: the architecture.
        var location: String?

        init(_ distribution: Distribution) {
            (name, version, bytes, location) =
                (distribution.name, distribution.version, distribution.bytes, distribution.location)
        }

        init(_ package: Package) {
            (name, version, bytes, location) = (package.name, package.version, package.bytes, package.architecture)
        }
    }

    private static func compare(
        _ baseline: [Item], _ current: [Item], ecosystem: InventoryDiff.Ecosystem, key: (Item) -> String
    ) -> [InventoryDiff.Entry] {
        let before = Dictionary(grouping: baseline, by: key)
        let after = Dictionary(grouping: current, by: key)
        var entries: [InventoryDiff.Entry] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            var old = before[name] ?? []
            var new = after[name] ?? []
            var pairs: [(Item, Item)] = []
            // Same place first, then whatever is left, in order.
            for (index, item) in new.enumerated().reversed() {
                if let match = old.firstIndex(where: { $0.location == item.location }) {
                    pairs.append((old.remove(at: match), item))
                    new.remove(at: index)
                }
            }
            while !old.isEmpty && !new.isEmpty { pairs.append((old.removeFirst(), new.removeFirst())) }
            for (was, now) in pairs
            where was.version != now.version || was.bytes != now.bytes
                || was.location != now.location
            {
                entries.append(
                    InventoryDiff.Entry(
                        ecosystem: ecosystem, change: .changed, name: now.name, location: now.location,
                        baselineVersion: was.version, currentVersion: now.version, baselineBytes: was.bytes,
                        currentBytes: now.bytes))
            }
            for was in old {
                entries.append(
                    InventoryDiff.Entry(
                        ecosystem: ecosystem, change: .removed, name: was.name, location: was.location,
                        baselineVersion: was.version, baselineBytes: was.bytes))
            }
            for now in new {
                entries.append(
                    InventoryDiff.Entry(
                        ecosystem: ecosystem, change: .added, name: now.name, location: now.location,
                        currentVersion: now.version, currentBytes: now.bytes))
            }
        }
        return entries
    }
}
