import Foundation

/// What is installed in an image, read from the image's own records: the Python distributions of every
/// `site-packages`/`dist-packages` folder (their `*.dist-info` or `*.egg-info` metadata) and the Debian packages
/// of dpkg's status database. Both lists are sorted by normalised name (then location), so two inventories of the
/// same image are equal and a diff is stable.
public struct ImageInventory: Sendable, Codable, Equatable {
    /// One installed Python distribution.
    public struct Distribution: Sendable, Codable, Equatable {
        /// The name as its metadata spells it (`Name:` of METADATA or PKG-INFO).
        public var name: String
        /// `Version:` of its metadata.
        public var version: String
        /// Installed bytes: every file its RECORD (or `installed-files.txt`) lists, at the size RECORD gives or,
        /// where RECORD gives none (`.pyc`, RECORD itself), the file's size in the image; plus the bytecode
        /// (`__pycache__/*.pyc`) of its modules that RECORD does not list (uv compiles without recording it).
        public var bytes: Int64
        /// The absolute folder it is installed in, e.g. `/opt/venv/lib/python3.12/site-packages`.
        public var location: String

        /// A distribution; see the properties.
        public init(name: String, version: String, bytes: Int64, location: String) {
            self.name = name
            self.version = version
            self.bytes = bytes
            self.location = location
        }

        /// The PEP 503 name: what two spellings of one project have in common.
        public var normalizedName: String { ImageInventory.normalize(name) }
    }

    /// One installed Debian package.
    public struct Package: Sendable, Codable, Equatable {
        /// `Package:` of its dpkg status paragraph.
        public var name: String
        /// `Version:`, with epoch and revision (`1:2.38.1-5+deb12u1`).
        public var version: String
        /// `Installed-Size:` (KiB, as dpkg estimates it) × 1024; 0 when dpkg has none.
        public var bytes: Int64
        /// `Architecture:` (`amd64`, `all`), when given.
        public var architecture: String?

        /// A package; see the properties.
        public init(name: String, version: String, bytes: Int64, architecture: String? = nil) {
            self.name = name
            self.version = version
            self.bytes = bytes
            self.architecture = architecture
        }
    }

    /// The image's operating system, from its `os-release` file.
    public struct OperatingSystem: Sendable, Codable, Equatable {
        /// `ID` (`debian`, `ubuntu`).
        public var id: String
        /// `VERSION_ID` (`12`), when given.
        public var versionID: String?
        /// `VERSION_CODENAME` (`bookworm`), when given.
        public var codename: String?
        /// `PRETTY_NAME`, when given.
        public var prettyName: String?

        /// An operating system; see the properties.
        public init(id: String, versionID: String? = nil, codename: String? = nil, prettyName: String? = nil) {
            self.id = id
            self.versionID = versionID
            self.codename = codename
            self.prettyName = prettyName
        }
    }

    /// How many, and how many bytes.
    public struct Totals: Sendable, Codable, Equatable {
        /// Entries counted.
        public var count: Int
        /// Their bytes summed.
        public var bytes: Int64

        /// Totals; see the properties.
        public init(count: Int, bytes: Int64) {
            self.count = count
            self.bytes = bytes
        }
    }

    /// Python distributions, sorted by normalised name, then location.
    public var python: [Distribution]
    /// Debian packages, sorted by name.
    public var debian: [Package]
    /// The operating system, when the image has an `os-release`.
    public var operatingSystem: OperatingSystem?

    /// An inventory; the lists are sorted here, whatever order they come in.
    public init(python: [Distribution] = [], debian: [Package] = [], operatingSystem: OperatingSystem? = nil) {
        self.python = python.sorted { ($0.normalizedName, $0.location) < ($1.normalizedName, $1.location) }
        self.debian = debian.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
        self.operatingSystem = operatingSystem
    }

    /// Count and bytes of the Python distributions.
    public var pythonTotals: Totals { Totals(count: python.count, bytes: python.map(\.bytes).reduce(0, +)) }
    /// Count and bytes of the Debian packages.
    public var debianTotals: Totals { Totals(count: debian.count, bytes: debian.map(\.bytes).reduce(0, +)) }

    /// The PEP 503 normal form of a project name: lower case, each run of `-`, `_` and `.` one `-`
    /// (`re.sub(r"[-_.]+", "-", name).lower()`).
    public static func normalize(_ name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                pendingSeparator = true
            } else {
                if pendingSeparator { result.append("-") }
                pendingSeparator = false
                result.append(character)
            }
        }
        if pendingSeparator { result.append("-") }
        return result
    }

    private enum CodingKeys: String, CodingKey {
        case python, debian, operatingSystem, pythonTotals, debianTotals
    }

    /// Decodes an inventory; the totals in the JSON are ignored (they are always recomputed from the lists).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            python: try container.decodeIfPresent([Distribution].self, forKey: .python) ?? [],
            debian: try container.decodeIfPresent([Package].self, forKey: .debian) ?? [],
            operatingSystem: try container.decodeIfPresent(OperatingSystem.self, forKey: .operatingSystem))
    }

    /// Encodes the lists and, for readers of the JSON, their totals.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(python, forKey: .python)
        try container.encode(debian, forKey: .debian)
        try container.encodeIfPresent(operatingSystem, forKey: .operatingSystem)
        try container.encode(pythonTotals, forKey: .pythonTotals)
        try container.encode(debianTotals, forKey: .debianTotals)
    }
}
