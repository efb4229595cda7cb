import ContainerBench
import Foundation

/// What the remote-engine tests share: whether they must run, waiting, and copying base images from the shared
/// engine into an engine of their own.
public enum RemoteEngines {
    /// The suite's base images (what the fixture builds from).
    public static let baseImages = ["containerbench/python:3.11-bookworm", "containerbench/uv:0.13.9"]

    /// Whether the remote-engine tests run: in CI always (a missing part then fails them), elsewhere when podman,
    /// sshd and openssl are installed.
    public static var required: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
            || (FileManager.default.isExecutableFile(atPath: "/usr/bin/podman")
                && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
                && ProcessRunner.which("openssl") != nil)
    }

    /// Polls `condition` every 100 ms for up to `seconds`; returns whether it became true.
    public static func eventually(seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// `docker save` of `images` from the shared engine (once, into /tmp), then `load` into the engine a docker
    /// or podman CLI reaches with `environment`; images already there are skipped.
    /// - Parameter podman: load with `podman --remote --url unix://SOCKET load` instead of the docker CLI.
    public static func copyImages(
        _ images: [String], to environment: [String: String], podman socket: String? = nil
    ) async throws {
        // An image counts as present only when it is the shared engine's image itself: storage that persists
        // between runs may hold an older build of the same name (an older stand-in recipe, say).
        var missing: [String] = []
        var ids: [String] = []
        for image in images {
            let shared = try await ProcessRunner.run(
                "/usr/bin/docker", ["image", "inspect", "--format", "{{.Id}}", image],
                environment: ["DOCKER_HOST": "unix:///var/run/docker.sock"])
            let sharedID = Self.bareID(shared.output)
            let target: ProcessResult
            if let socket {
                target = try await ProcessRunner.run(
                    "/usr/bin/podman",
                    ["--remote", "--url", "unix://\(socket)", "image", "inspect", "--format", "{{.Id}}", image])
            } else {
                target = try await ProcessRunner.run(
                    "/usr/bin/docker", ["image", "inspect", "--format", "{{.Id}}", image], environment: environment)
            }
            if !shared.succeeded || !target.succeeded || Self.bareID(target.output) != sharedID {
                missing.append(image)
                ids.append(sharedID)
            }
        }
        guard !missing.isEmpty else { return }
        let key = StableHash.hex((missing + ids).joined(separator: ","))
        let archive = "/tmp/containerbench-remote-bases-\(key).tar"
        if !FileManager.default.fileExists(atPath: archive) {
            let saved = try await ProcessRunner.run(
                "/usr/bin/docker", ["save", "-o", archive + ".part"] + missing,
                environment: ["DOCKER_HOST": "unix:///var/run/docker.sock"])
            guard saved.succeeded else {
                throw RemoteEngineError(
                    "could not save \(missing) from the shared engine (run `make bootstrap`): \(saved.tail(5))")
            }
            try FileManager.default.moveItem(atPath: archive + ".part", toPath: archive)
        }
        let loaded: ProcessResult
        if let socket {
            loaded = try await ProcessRunner.run(
                "/usr/bin/podman", ["--remote", "--url", "unix://\(socket)", "load", "-i", archive])
        } else {
            loaded = try await ProcessRunner.run("/usr/bin/docker", ["load", "-i", archive], environment: environment)
        }
        guard loaded.succeeded else { throw RemoteEngineError("could not load \(missing): \(loaded.tail(5))") }
    }

    /// An image id as `docker image inspect` or `podman image inspect` prints it, without `sha256:` and blanks.
    static func bareID(_ output: String) -> String {
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
    }
}
