import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// Makes the suite's base images locally when they are missing and cannot be pulled: a Debian Python image from
/// debootstrap (with the host's CA bundle inside, so TLS to PyPI works in builds) and a uv image from uv's PyPI wheel.
public struct BaseImageBootstrapper: Sendable {
    public var engine: any ContainerEngine
    public var client: BuildKitClient
    public var logger: Logger
    /// Try `docker pull` of the original name first (off by default: it contacts a container registry).
    public var pull: Bool

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

    /// Makes sure every mapped base image is available, building what is missing.
    /// - Throws: `BuildError` when an image cannot be made (tool missing, download failed), saying which.
    public func run(baseImages: [String: String]) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for (original, local) in baseImages.sorted(by: { $0.key < $1.key }) {
            let start = MonotonicClock.now()
            if try await engine.inspectImage(original) != nil {
                outcomes.append(Outcome(original: original, local: local, action: "present", seconds: 0))
                continue
            }
            if try await engine.inspectImage(local) != nil {
                outcomes.append(Outcome(original: original, local: local, action: "local stand-in present", seconds: 0))
                continue
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
            if local.contains("uv") {
                try await makeUVImage(local)
            } else if local.contains("python") {
                try await makePythonImage(local)
            } else {
                throw BuildError(
                    "base image \(original) is missing, cannot be pulled, and containerbench does not know how to "
                        + "make its stand-in \(local): build it yourself or map it to a python or uv image")
            }
            outcomes.append(
                Outcome(
                    original: original, local: local, action: "built locally", seconds: MonotonicClock.now() - start))
        }
        return outcomes
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

    private func makePythonImage(_ name: String) async throws {
        guard let debootstrap = ProcessRunner.which("debootstrap") ?? ProcessRunner.which("/usr/sbin/debootstrap")
        else {
            throw BuildError("debootstrap is not installed: `apt-get install -y debootstrap` (make setup does)")
        }
        let release = name.contains("trixie") ? "trixie" : "bookworm"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-rootfs-\(getpid())")
        let rootfs = work.appendingPathComponent("rootfs")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: rootfs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let mirror = Self.debianMirror()
        logger.info("debootstrap", metadata: ["release": .string(release), "mirror": .string(mirror)])
        let result = try await ProcessRunner.run(
            debootstrap,
            ["--variant=minbase", "--include=python3,python3-venv,ca-certificates", release, rootfs.path, mirror],
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
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        if let data = FileManager.default.contents(atPath: bundle) {
            try data.write(to: rootfs.appendingPathComponent("etc/ssl/certs/ca-certificates.crt"))
        }
        try await importDirectory(
            rootfs, files: ["."], name: name,
            changes: [
                "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
                "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV LANG=C.UTF-8",
                "CMD [\"python3\"]",
            ], work: work)
    }

    private func makeUVImage(_ name: String) async throws {
        let version = name.split(separator: ":").last.map(String.init) ?? "latest"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-uv-\(getpid())")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let requirement = version == "latest" ? "uv" : "uv==\(version)"
        let download = try await ProcessRunner.run(
            "python3", ["-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", work.path, requirement],
            combineOutput: true)
        guard download.succeeded,
            let wheel = try FileManager.default.contentsOfDirectory(atPath: work.path).first(where: {
                $0.hasSuffix(".whl")
            })
        else {
            throw BuildError("could not download \(requirement) from PyPI:\n\(download.tail(10))")
        }
        let extract = work.appendingPathComponent("wheel")
        let unzip = try await ProcessRunner.run(
            "python3", ["-m", "zipfile", "-e", work.appendingPathComponent(wheel).path, extract.path],
            combineOutput: true)
        guard unzip.succeeded else { throw BuildError("could not unpack \(wheel):\n\(unzip.tail(10))") }
        let image = work.appendingPathComponent("image")
        try FileManager.default.createDirectory(at: image, withIntermediateDirectories: true)
        let enumerator = FileManager.default.enumerator(atPath: extract.path)
        while let path = enumerator?.nextObject() as? String {
            let file = URL(fileURLWithPath: path).lastPathComponent
            if path.contains("/scripts/") && (file == "uv" || file == "uvx") {
                try FileManager.default.copyItem(
                    at: extract.appendingPathComponent(path), to: image.appendingPathComponent(file))
                chmod(image.appendingPathComponent(file).path, 0o755)
            }
        }
        guard FileManager.default.fileExists(atPath: image.appendingPathComponent("uv").path) else {
            throw BuildError("the wheel \(wheel) holds no uv binary")
        }
        try await importDirectory(image, files: ["uv", "uvx"], name: name, changes: [], work: work)
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
