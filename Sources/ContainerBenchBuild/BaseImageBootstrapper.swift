import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// Makes local stand-ins for base images that are missing and cannot be pulled, each by its `StandInRecipe`:
/// Debian's Python with pip (not externally managed, also at /usr/local/bin, as the official images have it), uv's
/// binaries from its PyPI wheel, both together, or plain Debian. Root file systems come from debootstrap with the
/// mirror apt uses on this host, and carry the host's CA bundle so builds reach PyPI over TLS.
public struct BaseImageBootstrapper: Sendable {
    public var engine: any ContainerEngine
    public var client: BuildKitClient
    public var logger: Logger
    /// Try `docker pull` of the original name first (off by default: it contacts a container registry).
    public var pull: Bool

    /// The version of the recipes: a stand-in made by an older one (a Python image without pip, say) is made again.
    public static let recipeVersion = "2"

    public init(engine: any ContainerEngine, client: BuildKitClient, logger: Logger, pull: Bool = false) {
        self.engine = engine
        self.client = client
        self.logger = logger
        self.pull = pull
    }

    /// What bootstrap did for one image.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var original: String
        public var local: String
        public var action: String
        public var seconds: Double
        public var description: String { "\(original) → \(local): \(action) (\(String(format: "%.1f", seconds)) s)" }
    }

    /// Makes sure every reference of `map` (or only `references`, when given) can be built from: the original is
    /// present, or its stand-in is (made by the current recipe version), or it is made now.
    /// - Throws: `BuildError` when an image cannot be made (no recipe, tool missing, download failed), saying which.
    public func run(map: BaseImageMap, references: [String]? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        let wanted = (references ?? Array(map.images.keys)).filter { map.images[$0] != nil }
        for original in Set(wanted).sorted() {
            guard let local = map.images[original] else { continue }
            let start = MonotonicClock.now()
            if await engine.hasImage(original) {
                outcomes.append(Outcome(original: original, local: local, action: "present", seconds: 0))
                continue
            }
            let recipe = map.recipe(for: original)
            if let existing = try await engine.inspectImage(local) {
                // A stand-in made by an older recipe of ours is made again; an image the user provides is kept.
                let version = existing.config?.labels?[Self.recipeLabel]
                let ours = version != nil || local.hasPrefix("containerbench/")
                if recipe == nil || !ours || version == Self.recipeVersion {
                    outcomes.append(
                        Outcome(original: original, local: local, action: "local stand-in present", seconds: 0))
                    continue
                }
                logger.notice("remaking \(local): it was made by recipe version \(version ?? "?")")
            }
            if pull {
                let result = try await ProcessRunner.run(
                    client.executable, ["pull", original], environment: engine.clientEnvironment)
                if result.succeeded {
                    outcomes.append(
                        Outcome(
                            original: original, local: local, action: "pulled", seconds: MonotonicClock.now() - start))
                    continue
                }
                logger.info("pull failed; building a local stand-in", metadata: ["image": .string(original)])
            }
            guard let recipe else {
                throw BuildError(
                    "base image \(original) is missing, cannot be pulled, and has no recipe for its stand-in "
                        + "\(local): build \(local) yourself, or give the map entry a recipe (python, uv, uv-python, "
                        + "debian)")
            }
            try await make(recipe, as: local)
            outcomes.append(
                Outcome(
                    original: original, local: local, action: "made: \(recipe)",
                    seconds: MonotonicClock.now() - start))
        }
        return outcomes
    }

    /// The label recording the recipe version a stand-in was made with.
    public static let recipeLabel = "io.containerbench.recipe-version"

    /// Makes the image `name` by `recipe`.
    /// - Throws: `BuildError` naming the step that failed.
    public func make(_ recipe: StandInRecipe, as name: String) async throws {
        switch recipe.kind {
        case .python: try await makeDebianImage(name, release: recipe.release, python: true, recipe: recipe)
        case .debian: try await makeDebianImage(name, release: recipe.release, python: false, recipe: recipe)
        case .uv: try await makeUVImage(name, version: recipe.uvVersion, recipe: recipe)
        case .uvPython: try await makeUVPythonImage(name, recipe: recipe)
        }
    }

    /// The Debian mirror apt itself uses on this host.
    public static func debianMirror() -> String {
        let files = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                if let uri = words.first(where: { $0.hasPrefix("http") && $0.hasSuffix("/debian") }) { return uri }
            }
        }
        return "http://deb.debian.org/debian"
    }

    private func labels(_ recipe: StandInRecipe) -> [String] {
        [
            "LABEL \(ContainerLabels.managed)=1", "LABEL \(Self.recipeLabel)=\(Self.recipeVersion)",
            "LABEL io.containerbench.recipe=\(recipe.kind.rawValue)-\(recipe.release)",
        ]
    }

    private func makeDebianImage(_ name: String, release: String, python: Bool, recipe: StandInRecipe) async throws {
        guard let debootstrap = ProcessRunner.which("debootstrap") ?? ProcessRunner.which("/usr/sbin/debootstrap")
        else {
            throw BuildError("debootstrap is not installed: `apt-get install -y debootstrap` (make setup does)")
        }
        let work = try Self.workDirectory("rootfs")
        defer { try? FileManager.default.removeItem(at: work) }
        let rootfs = work.appendingPathComponent("rootfs")
        try FileManager.default.createDirectory(at: rootfs, withIntermediateDirectories: true)
        let mirror = Self.debianMirror()
        let packages = python ? "python3,python3-venv,python3-pip,ca-certificates" : "ca-certificates"
        logger.info("debootstrap", metadata: ["release": .string(release), "mirror": .string(mirror)])
        let result = try await ProcessRunner.run(
            debootstrap, ["--variant=minbase", "--include=\(packages)", release, rootfs.path, mirror],
            combineOutput: true)
        guard result.succeeded else {
            throw BuildError("debootstrap \(release) from \(mirror) failed:\n\(result.tail(20))")
        }
        // Slim it: package caches, docs, man pages and apt lists are not needed at run time.
        for directory in [
            "var/cache/apt/archives", "usr/share/doc", "usr/share/man", "var/lib/apt/lists", "usr/share/info",
        ] {
            let url = rootfs.appendingPathComponent(directory)
            for item in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where item != "partial" {
                try? FileManager.default.removeItem(at: url.appendingPathComponent(item))
            }
        }
        if python { try Self.makeLikeOfficialPython(rootfs) }
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        if let data = FileManager.default.contents(atPath: bundle) {
            try data.write(to: rootfs.appendingPathComponent("etc/ssl/certs/ca-certificates.crt"))
        }
        var changes = [
            "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8",
        ]
        changes +=
            python ? ["ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt", "CMD [\"python3\"]"] : ["CMD [\"bash\"]"]
        try await importDirectory(rootfs, files: ["."], name: name, changes: changes + labels(recipe), work: work)
    }

    /// What the official `python:` images have and Debian's Python has not: pip may install system-wide (no
    /// EXTERNALLY-MANAGED marker), and `python`, `python3`, `pip`, `pip3` are in /usr/local/bin.
    static func makeLikeOfficialPython(_ rootfs: URL) throws {
        let files = FileManager.default
        let lib = rootfs.appendingPathComponent("usr/lib")
        for entry in (try? files.contentsOfDirectory(atPath: lib.path)) ?? [] where entry.hasPrefix("python3") {
            try? files.removeItem(at: lib.appendingPathComponent(entry).appendingPathComponent("EXTERNALLY-MANAGED"))
        }
        let bin = rootfs.appendingPathComponent("usr/local/bin")
        try files.createDirectory(at: bin, withIntermediateDirectories: true)
        for (link, target) in [
            ("python3", "/usr/bin/python3"), ("python", "/usr/bin/python3"), ("pip3", "/usr/bin/pip3"),
            ("pip", "/usr/bin/pip3"),
        ] {
            let url = bin.appendingPathComponent(link)
            try? files.removeItem(at: url)
            try files.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }
    }

    private func makeUVImage(_ name: String, version: String?, recipe: StandInRecipe) async throws {
        let work = try Self.workDirectory("uv")
        defer { try? FileManager.default.removeItem(at: work) }
        let image = work.appendingPathComponent("image")
        try FileManager.default.createDirectory(at: image, withIntermediateDirectories: true)
        try await fetchUVBinaries(version: version, into: image, work: work)
        try await importDirectory(image, files: ["uv", "uvx"], name: name, changes: labels(recipe), work: work)
    }

    /// The Python stand-in of the same release (made first when missing), with uv and uvx in /usr/local/bin.
    private func makeUVPythonImage(_ name: String, recipe: StandInRecipe) async throws {
        let pythonRecipe = StandInRecipe(kind: .python, release: recipe.release)
        let base = pythonRecipe.defaultImage
        let current = try await engine.inspectImage(base)?.config?.labels?[Self.recipeLabel]
        if current != Self.recipeVersion { try await make(pythonRecipe, as: base) }
        let work = try Self.workDirectory("uv-python")
        defer { try? FileManager.default.removeItem(at: work) }
        try await fetchUVBinaries(version: recipe.uvVersion, into: work, work: work)
        let dockerfile = "FROM \(base)\nCOPY uv uvx /usr/local/bin/\n" + labels(recipe).joined(separator: "\n") + "\n"
        try dockerfile.write(to: work.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        var environment = client.buildCommand.environment
        // The engine's own way in (an ssh engine's tunnel), never the CLI's own ssh.
        environment.merge(engine.clientEnvironment) { _, endpoint in endpoint }
        let result = try await ProcessRunner.run(
            client.executable, client.buildCommand.arguments + ["--network", "host", "--tag", name, work.path],
            environment: environment, combineOutput: true)
        guard result.succeeded else { throw BuildError("building \(name) on \(base) failed:\n\(result.tail(15))") }
    }

    /// Downloads uv's wheel (`uv==VERSION`, or the newest) from PyPI and copies its `uv` and `uvx` into `directory`.
    private func fetchUVBinaries(version: String?, into directory: URL, work: URL) async throws {
        let download = work.appendingPathComponent("download")
        let requirement = version.map { "uv==\($0)" } ?? "uv"
        let result = try await ProcessRunner.run(
            "python3",
            ["-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", download.path, requirement],
            combineOutput: true)
        guard result.succeeded,
            let wheel = try FileManager.default.contentsOfDirectory(atPath: download.path).first(where: {
                $0.hasSuffix(".whl")
            })
        else {
            throw BuildError("could not download \(requirement) from PyPI:\n\(result.tail(10))")
        }
        let extract = work.appendingPathComponent("wheel")
        let unzip = try await ProcessRunner.run(
            "python3", ["-m", "zipfile", "-e", download.appendingPathComponent(wheel).path, extract.path],
            combineOutput: true)
        guard unzip.succeeded else { throw BuildError("could not unpack \(wheel):\n\(unzip.tail(10))") }
        let enumerator = FileManager.default.enumerator(atPath: extract.path)
        while let path = enumerator?.nextObject() as? String {
            let file = URL(fileURLWithPath: path).lastPathComponent
            if path.contains("/scripts/") && (file == "uv" || file == "uvx") {
                let target = directory.appendingPathComponent(file)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: extract.appendingPathComponent(path), to: target)
                chmod(target.path, 0o755)
            }
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("uv").path) else {
            throw BuildError("the wheel \(wheel) holds no uv binary")
        }
    }

    private static func workDirectory(_ purpose: String) throws -> URL {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "containerbench-\(purpose)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        return work
    }

    private func importDirectory(_ directory: URL, files: [String], name: String, changes: [String], work: URL)
        async throws
    {
        let tarball = work.appendingPathComponent("image.tar")
        let tar = try await ProcessRunner.run(
            "tar", ["-C", directory.path, "-cf", tarball.path] + files, combineOutput: true)
        guard tar.succeeded else { throw BuildError("tar of \(directory.path) failed:\n\(tar.tail(10))") }
        var arguments = ["import"]
        for change in changes { arguments += ["--change", change] }
        arguments += [tarball.path, name]
        let result = try await ProcessRunner.run(
            client.executable, arguments, environment: engine.clientEnvironment,
            combineOutput: true)
        guard result.succeeded else { throw BuildError("docker import of \(name) failed:\n\(result.tail(10))") }
    }
}
