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
        var missing: [String] = []
        for image in images {
            let present: Bool
            if let socket {
                present =
                    (try await ProcessRunner.run(
                        "/usr/bin/podman", ["--remote", "--url", "unix://\(socket)", "image", "exists", image]))
                    .succeeded
            } else {
                present =
                    (try await ProcessRunner.run(
                        "/usr/bin/docker", ["image", "inspect", image], environment: environment)).succeeded
            }
            if !present { missing.append(image) }
        }
        guard !missing.isEmpty else { return }
        let archive = "/tmp/containerbench-remote-bases-\(StableHash.hex(missing.joined(separator: ","))).tar"
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
}
