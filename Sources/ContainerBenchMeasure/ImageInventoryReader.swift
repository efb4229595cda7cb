import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Reads what is installed in an image from its own records, without a scanner: the image is saved through the
/// engine (`docker save`), its layers are stacked with their whiteouts (`LayeredFileSystem`), and the files that
/// installers leave are read:
///
/// - Python: every `*.dist-info/METADATA` (and `*.egg-info/PKG-INFO`, or an `.egg-info` file) directly in a
///   folder named `site-packages` or `dist-packages`, wherever it is (`/usr/local/lib/python3.X/site-packages`,
///   `/opt/venv/lib/...`, `/app/.venv/lib/...`, `/usr/lib/python3/dist-packages`). Distributions unpacked elsewhere
///   (an installer's cache) are not installed and are not listed. Bytes: the image's own sizes of the files RECORD
///   (or `installed-files.txt`) lists, of the rest of the `.dist-info` folder, and of the `__pycache__` bytecode of
///   listed modules that RECORD does not list (uv compiles without recording; pip records `.pyc` without a size),
///   so the same distribution weighs the same whichever installer put it there. A listed file that a later layer
///   deleted weighs nothing.
/// - Debian: `/var/lib/dpkg/status` and `/var/lib/dpkg/status.d/*` (`DpkgStatus`).
/// - The operating system: `/etc/os-release`, else `/usr/lib/os-release`.
public struct ImageInventoryReader: Sendable {
    /// What a read found: the inventory, and what looked wrong on the way (a distribution without metadata).
    public struct Output: Sendable, Equatable {
        /// The inventory.
        public var inventory: ImageInventory
        /// Odd records skipped or guessed at, each naming its path.
        public var notes: [String]
    }

    /// A reader.
    public init() {}

    /// Reads a `docker save` archive on disk.
    /// - Throws: `MeasureError` when it is not a readable `docker save` archive.
    public func read(archive: URL) throws(MeasureError) -> Output {
        read(LayeredFileSystem(try SavedImage(url: archive)))
    }

    /// Saves `image` from `engine` into a temporary file under `workDirectory`, reads it, and removes the file.
    /// - Throws: `EngineError` when the engine cannot save the image, `MeasureError` when the archive is unreadable.
    public func read(
        image: String, engine: any ContainerEngine, workDirectory: URL = FileManager.default.temporaryDirectory
    ) async throws -> Output {
        let meter = SavedImageMeter(compressedSize: false, inventory: true, workDirectory: workDirectory)
        let result = try await meter.measure(image: image, engine: engine)
        return Output(inventory: result.inventory ?? ImageInventory(), notes: result.notes)
    }

    /// Reads the merged files of an image.
    func read(_ files: LayeredFileSystem) -> Output {
        var notes: [String] = []
        let index = SiteIndex(files)
        var python: [ImageInventory.Distribution] = []
        for (site, tops) in index.sites {
            for (top, paths) in tops {
                if top.hasSuffix(".dist-info") {
                    if let distribution = distInfo(site: site, folder: top, paths: paths, files, index, &notes) {
                        python.append(distribution)
                    }
                } else if top.hasSuffix(".egg-info") {
                    if let distribution = eggInfo(site: site, name: top, paths: paths, files, index, &notes) {
                        python.append(distribution)
                    }
                }
            }
        }
        var debian: [ImageInventory.Package] = []
        if let data = try? files.read("/var/lib/dpkg/status") {
            debian += DpkgStatus.packages(String(decoding: data, as: UTF8.self))
        }
        for path in files.files.keys where path.hasPrefix("/var/lib/dpkg/status.d/") && !path.hasSuffix(".md5sums") {
            if let data = try? files.read(path) { debian += DpkgStatus.packages(String(decoding: data, as: UTF8.self)) }
        }
        var system: ImageInventory.OperatingSystem?
        for path in ["/etc/os-release", "/usr/lib/os-release"] where system == nil {
            if let data = try? files.read(path) { system = Self.osRelease(String(decoding: data, as: UTF8.self)) }
        }
        return Output(
            inventory: ImageInventory(python: python, debian: debian, operatingSystem: system), notes: notes.sorted())
    }

    private func distInfo(
        site: String, folder: String, paths: [String], _ files: LayeredFileSystem, _ index: SiteIndex,
        _ notes: inout [String]
    ) -> ImageInventory.Distribution? {
        let directory = LayeredFileSystem.join(site, folder)
        let fields = (try? files.read(directory + "/METADATA")).map {
            PythonMetadata.headers(String(decoding: $0, as: UTF8.self))
        }
        guard let (name, version) = identity(fields, folder: folder, directory: directory, &notes) else { return nil }
        var listed: [String] = paths
        if let record = try? files.read(directory + "/RECORD") {
            listed += PythonMetadata.record(String(decoding: record, as: UTF8.self)).map {
                $0.path.hasPrefix("/")
                    ? LayeredFileSystem.normalize($0.path) : LayeredFileSystem.normalize(site + "/" + $0.path)
            }
        } else {
            // Debian's packages drop RECORD (dpkg owns the file list): the top-level modules it names.
            listed += topLevelFiles(directory: directory, site: site, files, index)
        }
        return ImageInventory.Distribution(
            name: name, version: version, bytes: bytes(of: listed, files, index), location: site)
    }

    private func eggInfo(
        site: String, name egg: String, paths: [String], _ files: LayeredFileSystem, _ index: SiteIndex,
        _ notes: inout [String]
    ) -> ImageInventory.Distribution? {
        let location = LayeredFileSystem.join(site, egg)
        // An .egg-info is a folder with PKG-INFO, or (distutils) a single file holding it.
        let isFile = files.files[location] != nil
        let metadataPath = isFile ? location : location + "/PKG-INFO"
        let fields = (try? files.read(metadataPath)).map { PythonMetadata.headers(String(decoding: $0, as: UTF8.self)) }
        guard let (name, version) = identity(fields, folder: egg, directory: location, &notes) else { return nil }
        var listed = paths
        if !isFile, let data = try? files.read(location + "/installed-files.txt") {
            listed += String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map {
                LayeredFileSystem.normalize(location + "/" + $0)
            }
        } else if !isFile {
            // No list of files (a system package's egg-info): the top-level modules it names.
            listed += topLevelFiles(directory: location, site: site, files, index)
        }
        return ImageInventory.Distribution(
            name: name, version: version, bytes: bytes(of: listed, files, index), location: site)
    }

    /// The files of the top-level modules and packages a metadata folder's `top_level.txt` names (`yaml` →
    /// `site/yaml/…`, `site/yaml.py`, `site/_yaml.cpython-311-x86_64-linux-gnu.so` when `_yaml` is named);
    /// none without the file.
    private func topLevelFiles(
        directory: String, site: String, _ files: LayeredFileSystem, _ index: SiteIndex
    ) -> [String] {
        guard let data = try? files.read(directory + "/top_level.txt") else { return [] }
        let tops = Set(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init))
        var listed: [String] = []
        for (top, paths) in index.sites[site] ?? [:] where !top.hasSuffix(".dist-info") && !top.hasSuffix(".egg-info") {
            let module = top.split(separator: ".").first.map(String.init) ?? top
            if tops.contains(module) { listed += paths }
        }
        return listed
    }

    /// Name and version from metadata fields, else from the folder's name (noted), else nil (noted).
    private func identity(
        _ fields: [String: String]?, folder: String, directory: String, _ notes: inout [String]
    ) -> (String, String)? {
        if let fields, let name = fields["Name"], let version = fields["Version"], !name.isEmpty {
            return (name, version)
        }
        if let guess = PythonMetadata.nameAndVersion(folder: folder) {
            notes.append("\(directory): no Name/Version in its metadata; taken from the folder's name")
            return guess
        }
        notes.append("\(directory): no Name/Version in its metadata and none in its name: skipped")
        return nil
    }

    /// The bytes the image holds of `paths` (each counted once), plus the unlisted bytecode of their modules.
    private func bytes(of paths: [String], _ files: LayeredFileSystem, _ index: SiteIndex) -> Int64 {
        var counted = Set<String>()
        var total: Int64 = 0
        for path in paths where counted.insert(path).inserted {
            total += files.size(of: path) ?? 0
        }
        for path in paths where path.hasSuffix(".py") {
            let (folder, base) = LayeredFileSystem.split(path)
            for compiled in index.bytecode[SiteIndex.key(folder, base.dropLast(3))] ?? []
            where counted.insert(compiled).inserted {
                total += files.size(of: compiled) ?? 0
            }
        }
        return total
    }

    /// The fields of an os-release file (`KEY=value`, values maybe quoted); nil without `ID`.
    static func osRelease(_ text: String) -> ImageInventory.OperatingSystem? {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            fields[String(line[..<equals])] = value
        }
        guard let id = fields["ID"], !id.isEmpty else { return nil }
        return ImageInventory.OperatingSystem(
            id: id, versionID: fields["VERSION_ID"], codename: fields["VERSION_CODENAME"],
            prettyName: fields["PRETTY_NAME"])
    }
}

/// The files under every `site-packages`/`dist-packages` folder of an image, by folder and by first component
/// below it (`numpy`, `numpy-2.1.0.dist-info`, `six.py`), and the `__pycache__` bytecode of each module: one pass
/// over the image's paths, so each distribution costs only its own files.
struct SiteIndex {
    /// site folder → first component below it → the regular files under that component (or the file itself).
    var sites: [String: [String: [String]]] = [:]
    /// `folder` + NUL + module name → the `folder/__pycache__/module.*.pyc` files.
    var bytecode: [String: [String]] = [:]

    init(_ files: LayeredFileSystem) {
        for path in files.files.keys {
            guard let site = Self.site(of: path) else { continue }
            let rest = path[path.index(site.endIndex, offsetBy: 1)...]
            let top = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? String(rest)
            sites[String(site), default: [:]][top, default: []].append(path)
            let (folder, base) = LayeredFileSystem.split(path)
            if folder.hasSuffix("/__pycache__"), base.hasSuffix(".pyc"), let dot = base.firstIndex(of: ".") {
                let source = String(folder.dropLast("/__pycache__".count))
                bytecode[Self.key(source, base[..<dot]), default: []].append(path)
            }
        }
    }

    /// The `…/site-packages` or `…/dist-packages` folder `path` lies in (the first such component), if any.
    static func site(of path: String) -> Substring? {
        let found = ["/site-packages/", "/dist-packages/"].compactMap { path.range(of: $0) }
        guard let first = found.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
        return path[..<path.index(before: first.upperBound)]
    }

    static func key(_ folder: String, _ module: Substring) -> String {
        folder + "\u{0}" + module
    }
}
