import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchHistory
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// The checks behind `containerbench doctor`.
public enum Doctor {
    /// One check's result.
    public struct Check: Sendable {
        public var name: String
        public var ok: Bool
        /// Whether a run cannot work without it.
        public var required: Bool
        /// What was found, or what to do.
        public var detail: String
    }

    /// Runs every check against the engine `endpoint` names (nil: `DOCKER_HOST`, else the local socket); never
    /// throws.
    public static func run(endpoint requested: EngineEndpoint? = nil, suitePath: String, historyPath: String) async
        -> [Check]
    {
        var checks: [Check] = []
        let endpoint: EngineEndpoint
        do {
            endpoint = try requested ?? EngineEndpoint.fromEnvironment()
        } catch {
            return [Check(name: "engine address", ok: false, required: true, detail: "\(error)")]
        }
        checks.append(addressCheck(endpoint))
        if let socket = endpoint.socketPath, !FileManager.default.fileExists(atPath: socket) {
            checks.append(
                Check(
                    name: "engine socket", ok: false, required: true,
                    detail: "\(socket) does not exist: start dockerd (`make setup`) or the Podman service, or set "
                        + "DOCKER_HOST / --engine"))
        }
        var engine: DockerEngine?
        var kind = EngineKind.docker
        do {
            let candidate = try DockerEngine(endpoint: endpoint)
            let version = try await candidate.connect()
            engine = candidate
            kind = version.kind
            checks.append(
                Check(
                    name: "engine", ok: true, required: true,
                    detail: "\(kind) \(version.version), API \(version.apiVersion) (containerbench uses "
                        + "\(DockerEngine.minimumAPIVersion))" + (kind == .podman ? ", Docker-compatible API" : "")))
            let info = try await candidate.info()
            checks.append(engineHostCheck(info, endpoint: endpoint))
            checks.append(endpoint.isLocal ? cgroupCheck(info) : remoteMemoryCheck(info))
            checks.append(storageDriverCheck(info))
            if kind == .podman { checks += podmanChecks(endpoint: endpoint) }
        } catch {
            checks.append(Check(name: "engine", ok: false, required: true, detail: "\(error)"))
        }
        if let engine {
            do {
                let (builder, _) = try await MeasuringSession.openBuilder(
                    for: engine, logger: Logger(label: "doctor"))
                checks.append(
                    Check(
                        name: kind == .podman ? "builder" : "BuildKit client", ok: true, required: true,
                        detail: builder.clientDescription))
            } catch {
                checks.append(
                    Check(
                        name: kind == .podman ? "builder" : "BuildKit client", ok: false, required: true,
                        detail: "\(error)"))
            }
        }
        checks.append(await gnuplotCheck())
        checks.append(historyCheck(historyPath))
        if let engine {
            do {
                let suite = try SuiteLoader.load(path: suitePath)
                for (original, local) in suite.baseImages.sorted(by: { $0.key < $1.key }) {
                    let present = ((try? await engine.inspectImage(original)) ?? nil) != nil
                    let stand = ((try? await engine.inspectImage(local)) ?? nil) != nil
                    checks.append(
                        Check(
                            name: "base image \(original)", ok: present || stand, required: true,
                            detail: present
                                ? "present"
                                : stand
                                    ? "mapped to local \(local)"
                                    : "missing, and so is \(local): run `containerbench bootstrap`"))
                }
            } catch {
                checks.append(Check(name: "suite", ok: false, required: false, detail: "\(error)"))
            }
        }
        return checks
    }

    /// The engine's cgroup version, as the engine reports it (never assumed: it enters the comparability key and
    /// says where the memory sampler reads), and whether this host exposes that version's memory files.
    public static func cgroupCheck(_ info: EngineInfo, root: String = "/sys/fs/cgroup") -> Check {
        let driver = info.cgroupDriver ?? "?"
        guard let reported = info.cgroupVersion, let version = Int(reported) else {
            return Check(
                name: "cgroup", ok: false, required: true,
                detail: "the engine does not report its cgroup version (Docker < 20.10?): memory cannot be sampled "
                    + "reliably and runs would not be comparable; upgrade the engine")
        }
        let probe = version == 1 ? "\(root)/memory" : "\(root)/cgroup.controllers"
        guard version == 1 || version == 2 else {
            return Check(
                name: "cgroup", ok: false, required: true,
                detail: "unknown cgroup version \(reported) (driver \(driver))")
        }
        guard FileManager.default.fileExists(atPath: probe) else {
            return Check(
                name: "cgroup", ok: false, required: true,
                detail: "the engine uses cgroup v\(version) but \(probe) does not exist here: the memory sampler "
                    + "reads the engine host's cgroup files, so run containerbench on the engine's host")
        }
        return Check(name: "cgroup", ok: true, required: true, detail: "v\(version), driver \(driver), \(probe)")
    }

    /// How the engine is reached, and what that means for the figures.
    public static func addressCheck(_ endpoint: EngineEndpoint) -> Check {
        let meaning: String
        switch endpoint.transport {
        case .unix: meaning = "local: probes on 127.0.0.1, memory from the cgroup files here"
        case .tcp(_, _, let tls):
            meaning =
                (tls == nil ? "TCP without TLS (unencrypted, unauthenticated)" : "TCP with verified TLS")
                + "; remote: probes cross the network to \(endpoint.serviceHost), memory read there by a helper container"
        case .ssh:
            meaning =
                "SSH (docker system dial-stdio); remote: probes cross the network to \(endpoint.serviceHost), "
                + "memory read there by a helper container"
        }
        return Check(name: "engine address", ok: true, required: true, detail: "\(endpoint) (\(meaning))")
    }

    /// The engine's host as the engine reports it: what the fingerprint records as the measured machine.
    public static func engineHostCheck(_ info: EngineInfo, endpoint: EngineEndpoint) -> Check {
        let gigabytes = String(format: "%.1f", Double(info.memoryBytes) / 1_073_741_824)
        return Check(
            name: "engine host", ok: true, required: false,
            detail: "\(info.name ?? "?") (\(info.operatingSystem ?? "?"), kernel \(info.kernelVersion ?? "?"), "
                + "\(info.cpus) CPUs, \(gigabytes) GiB)" + (endpoint.isLocal ? "" : ", remote"))
    }

    /// A remote engine's cgroups are on its host: memory is read there by a helper container, and says so.
    public static func remoteMemoryCheck(_ info: EngineInfo) -> Check {
        let version = info.cgroupVersion ?? "?"
        return Check(
            name: "cgroup", ok: info.cgroupVersion != nil, required: true,
            detail: "v\(version) on the engine's host (driver \(info.cgroupDriver ?? "?")); its cgroup files are not "
                + "readable from here: a helper container reads them there (40 Hz, memorySource helper-container), or when it "
                + "cannot run, the Engine API's stats (about 1 s apart, memorySource engine-stats)")
    }

    /// What a Podman engine lacks that a Docker one has, said up front (warnings, not failures).
    static func podmanChecks(endpoint: EngineEndpoint) -> [Check] {
        var checks = [
            Check(
                name: "podman: builds", ok: false, required: false,
                detail: "no BuildKit behind Podman's API: builds run `podman build` (Buildah); per-step times come "
                    + "from when Buildah's STEP lines arrive (it prints no durations), and cold builds empty Buildah's "
                    + "cache mounts only for a local service")
        ]
        if endpoint.isLocal, !FileManager.default.fileExists(atPath: "/run/systemd/private") {
            checks.append(
                Check(
                    name: "podman: HEALTHCHECK", ok: false, required: false,
                    detail: "Podman runs HEALTHCHECKs from systemd timers and this host has no systemd: images' "
                        + "checks never run, so the `healthy` phase is not measured (ready still is)"))
        }
        return checks
    }

    /// The engine's storage driver, as reported (it enters the comparability key).
    public static func storageDriverCheck(_ info: EngineInfo) -> Check {
        let driver = info.storageDriver.trimmingCharacters(in: .whitespaces)
        guard !driver.isEmpty else {
            return Check(
                name: "storage driver", ok: false, required: true,
                detail: "the engine reports no storage driver: runs could not be compared by machine")
        }
        return Check(name: "storage driver", ok: true, required: true, detail: driver)
    }

    static func gnuplotCheck() async -> Check {
        guard let gnuplot = ProcessRunner.which("gnuplot") else {
            return Check(
                name: "gnuplot", ok: false, required: true,
                detail: "not installed: `apt-get install -y gnuplot-nox` (make setup does)")
        }
        let version =
            (try? await ProcessRunner.run(gnuplot, ["--version"], timeout: 30))?.output
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let terminals =
            (try? await ProcessRunner.run(gnuplot, ["-e", "set terminal"], combineOutput: true, timeout: 30))?.output
            ?? ""
        let wanted = ["pngcairo", "svg"]
        let missing = wanted.filter { !terminals.contains($0) }
        return Check(
            name: "gnuplot", ok: missing.isEmpty, required: true,
            detail: missing.isEmpty
                ? "\(version), terminals \(wanted.joined(separator: ", "))"
                : "\(version) lacks terminals \(missing.joined(separator: ", ")): install gnuplot-nox")
    }

    static func historyCheck(_ path: String) -> Check {
        if case .postgresql(let url)? = try? HistoryLocation.parse(path) {
            do {
                _ = try PostgreSQLHistoryStore(url: url)
                return Check(name: "history", ok: true, required: true, detail: "\(url.redacted) (connected)")
            } catch {
                return Check(name: "history", ok: false, required: true, detail: "\(error)")
            }
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let files = FileManager.default
        if files.fileExists(atPath: path) {
            let writable = files.isWritableFile(atPath: path)
            return Check(
                name: "history", ok: writable, required: true,
                detail: writable ? "\(path) (writable)" : "\(path) is not writable")
        }
        var probe = directory
        while !files.fileExists(atPath: probe) { probe = URL(fileURLWithPath: probe).deletingLastPathComponent().path }
        let writable = files.isWritableFile(atPath: probe)
        return Check(
            name: "history", ok: writable, required: true,
            detail: writable ? "\(path) (will be created)" : "cannot create \(path): \(probe) is not writable")
    }
}
