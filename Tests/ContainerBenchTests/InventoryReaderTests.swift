import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The inventory read from synthetic `docker save` archives built here: dist-info and egg-info in every kind of
/// site folder, RECORD with and without sizes, bytecode uv does not record, whiteouts, opaque folders, links, long
/// names, dpkg's status, os-release.
@Suite("Inventory: reading an image's records")
struct InventoryReaderTests {
    typealias Entry = TarArchiveBuilder.Entry

    /// Writes `layers` as a saved image and reads its inventory.
    func read(_ layers: [[Entry]]) throws -> ImageInventoryReader.Output {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("image.tar")
        try TarArchiveBuilder.savedImage(layers: layers).write(to: url)
        return try ImageInventoryReader().read(archive: url)
    }

    static let venv = "opt/venv/lib/python3.12/site-packages"

    /// A dist-info with METADATA and RECORD listing `files` (path relative to the site folder, bytes, whether
    /// RECORD gives the size), and the files themselves.
    static func distribution(
        _ name: String, _ version: String, site: String = venv, files: [(String, Int, Bool)]
    ) -> [Entry] {
        let info = "\(name)-\(version).dist-info"
        var record = "\(info)/METADATA,sha256=m,40\n\(info)/RECORD,,\n"
        for (path, bytes, sized) in files {
            let field = path.contains(",") ? "\"\(path)\"" : path
            record += sized ? "\(field),sha256=h,\(bytes)\n" : "\(field),,\n"
        }
        var entries: [Entry] = [
            .text("\(site)/\(info)/METADATA", "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\nText\n"),
            .text("\(site)/\(info)/RECORD", record),
        ]
        for (path, bytes, _) in files { entries.append(.bytes("\(site)/\(path)", bytes)) }
        return entries
    }

    /// The bytes of the METADATA and RECORD files `distribution` writes.
    static func metadataBytes(_ name: String, _ version: String, files: [(String, Int, Bool)]) -> Int {
        let info = "\(name)-\(version).dist-info"
        var record = "\(info)/METADATA,sha256=m,40\n\(info)/RECORD,,\n"
        for (path, bytes, sized) in files {
            let field = path.contains(",") ? "\"\(path)\"" : path
            record += sized ? "\(field),sha256=h,\(bytes)\n" : "\(field),,\n"
        }
        return "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\nText\n".utf8.count + record.utf8.count
    }

    @Test("a dist-info's bytes are its listed files as the image holds them, plus the bytecode RECORD leaves out")
    func distInfoBytes() throws {
        let files: [(String, Int, Bool)] = [
            ("humanize/__init__.py", 1_000, true), ("humanize/time.py", 2_000, true),
            // pip lists bytecode without a size; its size comes from the image.
            ("humanize/__pycache__/time.cpython-312.pyc", 1_500, false),
            // A script installed outside the site folder.
            ("../../../bin/humanize", 300, true),
            // A path with a comma, quoted in the CSV.
            ("humanize/locale/a,b.mo", 50, true),
        ]
        var layer = Self.distribution("Humanize", "4.17.0", files: files)
        // uv compiles without recording: bytecode of a listed module counts, of an unlisted one does not.
        layer.append(.bytes("\(Self.venv)/humanize/__pycache__/__init__.cpython-312.pyc", 700))
        layer.append(.bytes("\(Self.venv)/humanize/__pycache__/other.cpython-312.pyc", 9_999))
        let output = try read([layer])
        let distribution = try #require(output.inventory.python.first)
        #expect(output.inventory.python.count == 1)
        #expect(distribution.name == "Humanize" && distribution.normalizedName == "humanize")
        #expect(distribution.version == "4.17.0")
        #expect(distribution.location == "/opt/venv/lib/python3.12/site-packages")
        let expected = 1_000 + 2_000 + 1_500 + 300 + 50 + 700 + Self.metadataBytes("Humanize", "4.17.0", files: files)
        #expect(distribution.bytes == Int64(expected))
        #expect(output.notes.isEmpty)
    }

    @Test("site-packages and dist-packages everywhere are found; an installer's cache is not installed")
    func everySiteFolder() throws {
        let one: [(String, Int, Bool)] = [("m/__init__.py", 10, true)]
        let layer =
            Self.distribution("a", "1", site: "usr/local/lib/python3.12/site-packages", files: one)
            + Self.distribution("b", "2", site: "app/.venv/lib/python3.11/site-packages", files: one)
            + Self.distribution("c", "3", site: "usr/lib/python3/dist-packages", files: one)
            + Self.distribution("d", "4", files: one)
            + Self.distribution("cached", "9", site: "root/.cache/uv/archive-v0/abc", files: one)
        let inventory = try read([layer]).inventory
        #expect(inventory.python.map(\.name) == ["a", "b", "c", "d"])
        #expect(
            inventory.python.map(\.location) == [
                "/usr/local/lib/python3.12/site-packages", "/app/.venv/lib/python3.11/site-packages",
                "/usr/lib/python3/dist-packages", "/opt/venv/lib/python3.12/site-packages",
            ])
    }

    @Test("a whiteout in a later layer removes a distribution; a deleted file no longer weighs")
    func whiteouts() throws {
        let requests: [(String, Int, Bool)] = [("requests/__init__.py", 5_000, true)]
        let six: [(String, Int, Bool)] = [("six.py", 800, true), ("six_tests.py", 2_000, true)]
        let base =
            Self.distribution("requests", "2.31.0", files: requests) + Self.distribution("six", "1.16.0", files: six)
        let removal: [Entry] = [
            .whiteout("\(Self.venv)/requests-2.31.0.dist-info"), .whiteout("\(Self.venv)/requests"),
            .whiteout("\(Self.venv)/six_tests.py"),
        ]
        let inventory = try read([base, removal]).inventory
        #expect(inventory.python.map(\.name) == ["six"])
        #expect(inventory.python.first?.bytes == Int64(800 + Self.metadataBytes("six", "1.16.0", files: six)))
    }

    @Test("an opaque folder hides what the layers below had in it, not what its own layer adds")
    func opaqueFolder() throws {
        let files: [(String, Int, Bool)] = [("numpy/__init__.py", 1_000, true)]
        let old = Self.distribution("numpy", "1.26.4", files: files)
        // The venv made again: marker first or last in the tar, the result is the same.
        let new = [Entry.opaque(Self.venv)] + Self.distribution("numpy", "2.1.0", files: files)
        let newLast = Self.distribution("numpy", "2.1.0", files: files) + [Entry.opaque(Self.venv)]
        for layer in [new, newLast] {
            let inventory = try read([old, layer]).inventory
            #expect(inventory.python.map(\.version) == ["2.1.0"])
        }
    }

    @Test("egg-info folders and files, Debian's dist-info without RECORD, hard links, long names")
    func otherLayouts() throws {
        let site = "usr/lib/python3/dist-packages"
        let deep = "app/" + String(repeating: "very-long-folder-name/", count: 6) + ".venv/lib/python3.12/site-packages"
        let layer: [Entry] = [
            // setuptools' egg-info with installed-files.txt (paths relative to the egg-info folder).
            .text("\(Self.venv)/legacy-0.9-py3.12.egg-info/PKG-INFO", "Name: legacy\nVersion: 0.9\n"),
            .text("\(Self.venv)/legacy-0.9-py3.12.egg-info/installed-files.txt", "../legacy.py\nPKG-INFO\n"),
            .bytes("\(Self.venv)/legacy.py", 1_234),
            // distutils' single-file egg-info.
            .text("\(site)/oldstyle-1.0.egg-info", "Metadata-Version: 1.1\nName: oldstyle\nVersion: 1.0\n"),
            // Debian drops RECORD; top_level.txt names the modules.
            .text("\(site)/yaml-6.0.dist-info/METADATA", "Name: PyYAML\nVersion: 6.0\n"),
            .text("\(site)/yaml-6.0.dist-info/top_level.txt", "_yaml\nyaml\n"),
            .bytes("\(site)/yaml/__init__.py", 10_000),
            .bytes("\(site)/_yaml.cpython-311-x86_64-linux-gnu.so", 20_000),
            .bytes("\(site)/yamlish/__init__.py", 77),
            // A hard link to an earlier METADATA; a path over 100 bytes (PAX path record).
            .text("\(Self.venv)/twin-1.0.dist-info/METADATA", "Name: twin\nVersion: 1.0\n"),
            .hardLink("\(site)/twin-1.0.dist-info/METADATA", target: "\(Self.venv)/twin-1.0.dist-info/METADATA"),
            .text("\(deep)/deep-3.0.dist-info/METADATA", "Name: deep\nVersion: 3.0\n"),
        ]
        let output = try read([layer])
        let byName = Dictionary(grouping: output.inventory.python, by: \.name)
        let legacyMetadata = "Name: legacy\nVersion: 0.9\n".utf8.count + "../legacy.py\nPKG-INFO\n".utf8.count
        #expect(byName["legacy"]?.first?.bytes == Int64(1_234 + legacyMetadata))
        #expect(byName["oldstyle"]?.first?.version == "1.0")
        #expect(byName["oldstyle"]?.first?.location == "/usr/lib/python3/dist-packages")
        let yamlMetadata = "Name: PyYAML\nVersion: 6.0\n".utf8.count + "_yaml\nyaml\n".utf8.count
        #expect(byName["PyYAML"]?.first?.bytes == Int64(10_000 + 20_000 + yamlMetadata))
        #expect(
            byName["twin"]?.map(\.location).sorted() == [
                "/opt/venv/lib/python3.12/site-packages", "/usr/lib/python3/dist-packages",
            ])
        #expect(byName["deep"]?.first?.location == "/" + deep)
    }

    @Test("a dist-info without Name/Version is named from its folder, and that is noted")
    func nameFromFolder() throws {
        let output = try read([[.text("\(Self.venv)/odd_pkg-1.2.3.dist-info/METADATA", "Metadata-Version: 2.1\n")]])
        #expect(output.inventory.python.map(\.name) == ["odd_pkg"])
        #expect(output.inventory.python.map(\.version) == ["1.2.3"])
        #expect(output.notes.count == 1 && output.notes[0].contains("odd_pkg-1.2.3.dist-info"))
    }

    @Test("dpkg status and status.d: installed packages with KiB × 1024; removed ones left out; os-release via a link")
    func debian() throws {
        let archive = FixtureImageArchive.archive(driver: "uv", distributions: [("humanize", "4.17.0")])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("image.tar")
        try archive.write(to: url)
        let inventory = try ImageInventoryReader().read(archive: url).inventory
        #expect(inventory.debian.map(\.name) == ["libc6", "python3"])
        #expect(inventory.debian.map(\.bytes) == [12_000 * 1024, 81 * 1024])
        #expect(inventory.debian.first?.architecture == "amd64")
        #expect(inventory.debianTotals == ImageInventory.Totals(count: 2, bytes: (12_000 + 81) * 1024))
        #expect(
            inventory.operatingSystem
                == ImageInventory.OperatingSystem(
                    id: "debian", versionID: "12", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)"))
        let distroless = try read([
            [
                .text("var/lib/dpkg/status.d/base", "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n"),
                .text("var/lib/dpkg/status.d/base.md5sums", "abc  etc/debian_version\n"),
                .text("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a\nInstalled-Size: 10\n"),
            ]
        ]).inventory
        #expect(distroless.debian.map(\.name) == ["base-files", "tzdata"])
        #expect(distroless.debian.map(\.bytes) == [0, 10 * 1024])
    }

    @Test("an archive that is not a docker save is an error that names it")
    func notAnArchive() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("plain.tar")
        try TarArchiveBuilder.tar([.text("hello.txt", "hi")]).write(to: url)
        #expect {
            try ImageInventoryReader().read(archive: url)
        } throws: { error in
            "\(error)".contains("manifest.json") && "\(error)".contains(url.path)
        }
    }

    @Test("RECORD rows: quoted paths, empty sizes, CRLF; core metadata headers stop at the body")
    func parsers() {
        let rows = PythonMetadata.record("a.py,sha256=x,12\r\n\"b,c.py\",sha256=y,3\nRECORD,,\n\n")
        #expect(
            rows == [.init(path: "a.py", size: 12), .init(path: "b,c.py", size: 3), .init(path: "RECORD", size: nil)])
        let fields = PythonMetadata.headers("Name: x\r\nVersion: 1\r\nSummary: s\r\n  more\r\n\r\nName: body\n")
        #expect(fields["Name"] == "x" && fields["Version"] == "1" && fields["Summary"] == "s")
        let guess = PythonMetadata.nameAndVersion(folder: "foo_bar-1.0-py3.11.egg-info")
        #expect(guess.map { "\($0.name) \($0.version)" } == "foo_bar 1.0")
        #expect(PythonMetadata.nameAndVersion(folder: "nodash.dist-info") == nil)
    }

    @Test(
        "PEP 503 names",
        arguments: [
            ("Django", "django"), ("zope.interface", "zope-interface"), ("typing_extensions", "typing-extensions"),
            ("A__-.b", "a-b"), ("-x-", "-x-"),
        ])
    func normalizedNames(name: String, normalized: String) {
        #expect(ImageInventory.normalize(name) == normalized)
    }
}
