import Foundation

/// What one image's inventory adds over another's: Python distributions and Debian packages added, removed or
/// changed (version, bytes or location), each with its byte delta. Made by `ImageInventory.diff(from:to:)`; each
/// list is sorted by the size of its delta, largest first, so the top entries say why the image grew.
public struct InventoryDiff: Sendable, Codable, Equatable {
    /// Which package world an entry belongs to, named as in package URLs.
    public enum Ecosystem: String, Sendable, Codable, Equatable, Comparable {
        /// A Python distribution.
        case pypi
        /// A Debian package.
        case deb

        public static func < (lhs: Ecosystem, rhs: Ecosystem) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What happened to an entry between the baseline and the current image.
    public enum Change: String, Sendable, Codable, Equatable {
        /// Only the current image has it.
        case added
        /// Only the baseline image has it.
        case removed
        /// Both have it, with another version, size or location.
        case changed
    }

    /// One distribution or package that differs.
    public struct Entry: Sendable, Codable, Equatable {
        /// `pypi` or `deb`.
        public var ecosystem: Ecosystem
        /// Added, removed or changed.
        public var change: Change
        /// The name as the current image spells it (the baseline's when removed).
        public var name: String
        /// Python: the folder it is installed in (the current one when it moved); Debian: the architecture.
        public var location: String?
        /// The baseline's version; absent when added.
        public var baselineVersion: String?
        /// The current version; absent when removed.
        public var currentVersion: String?
        /// The baseline's bytes; absent when added.
        public var baselineBytes: Int64?
        /// The current bytes; absent when removed.
        public var currentBytes: Int64?
        /// currentBytes − baselineBytes (a missing side counts 0).
        public var deltaBytes: Int64

        /// An entry; `deltaBytes` is computed from the two sides.
        public init(
            ecosystem: Ecosystem, change: Change, name: String, location: String? = nil,
            baselineVersion: String? = nil, currentVersion: String? = nil, baselineBytes: Int64? = nil,
            currentBytes: Int64? = nil
        ) {
            self.ecosystem = ecosystem
            self.change = change
            self.name = name
            self.location = location
            self.baselineVersion = baselineVersion
            self.currentVersion = currentVersion
            self.baselineBytes = baselineBytes
            self.currentBytes = currentBytes
            self.deltaBytes = (currentBytes ?? 0) - (baselineBytes ?? 0)
        }

        /// Whether the version differs (changed entries whose version is the same changed size or place only).
        public var versionChanged: Bool { baselineVersion != currentVersion }
    }

    /// Counts and bytes of one side's inventory.
    public struct Side: Sendable, Codable, Equatable {
        /// Python distributions.
        public var python: ImageInventory.Totals
        /// Debian packages.
        public var debian: ImageInventory.Totals

        /// A side; see the properties.
        public init(python: ImageInventory.Totals, debian: ImageInventory.Totals) {
            self.python = python
            self.debian = debian
        }

        /// The totals of `inventory`.
        public init(_ inventory: ImageInventory) {
            self.init(python: inventory.pythonTotals, debian: inventory.debianTotals)
        }
    }

    /// The baseline image's totals.
    public var baseline: Side
    /// The current image's totals.
    public var current: Side
    /// Only in the current image, largest first.
    public var added: [Entry]
    /// Only in the baseline image, largest first.
    public var removed: [Entry]
    /// In both, but with another version, size or location; largest |delta| first.
    public var changed: [Entry]

    /// A diff; each list is sorted here by |deltaBytes| (largest first), then ecosystem and name.
    public init(baseline: Side, current: Side, added: [Entry], removed: [Entry], changed: [Entry]) {
        self.baseline = baseline
        self.current = current
        self.added = Self.sorted(added)
        self.removed = Self.sorted(removed)
        self.changed = Self.sorted(changed)
    }

    /// Every entry, largest |delta| first.
    public var entries: [Entry] { Self.sorted(added + removed + changed) }

    /// Whether the two inventories are the same.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Bytes the current image's Python distributions weigh more than the baseline's.
    public var pythonDeltaBytes: Int64 { current.python.bytes - baseline.python.bytes }
    /// Bytes the current image's Debian packages weigh more than the baseline's.
    public var debianDeltaBytes: Int64 { current.debian.bytes - baseline.debian.bytes }

    static func sorted(_ entries: [Entry]) -> [Entry] {
        entries.sorted { lhs, rhs in
            let (left, right) = (lhs.deltaBytes.magnitude, rhs.deltaBytes.magnitude)
            if left != right { return left > right }
            if lhs.ecosystem != rhs.ecosystem { return lhs.ecosystem < rhs.ecosystem }
            return (lhs.name.lowercased(), lhs.location ?? "") < (rhs.name.lowercased(), rhs.location ?? "")
        }
    }
}
