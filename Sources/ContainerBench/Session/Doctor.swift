import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchHistory
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

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

    /// Runs every check; never throws.
    public static func run(suitePath: String, historyPath: String) async -> [Check] {
        var checks: [Check] = []
        let socket: String
        do {
            socket = try DockerEngine.defaultSocketPath()
        } catch {
            return [Check(name: "engine socket", ok: false, required: true, detail: "\(error)")]
        }
        checks.append(
            Check(
                name: "engine socket", ok: FileManager.default.fileExists(atPath: socket), required: true,
                detail: FileManager.default.fileExists(atPath: socket)
                    ? socket : "\(socket) does not exist: start dockerd (`make setup`) or set DOCKER_HOST"))
        var engine: DockerEngine?
        do {
            let candidate = try DockerEngine(socketPath: socket)
            let version = try await candidate.connect()
            engine = candidate
            checks.append(
                Check(
                    name: "engine", ok: true, required: true,
                    detail: "Docker \(version.version), API \(version.apiVersion) (containerbench uses "
                        + "\(DockerEngine.minimumAPIVersion))"))
            let info = try await candidate.info()
            checks.append(cgroupCheck(info))
            checks.append(storageDriverCheck(info))
        } catch {
            checks.append(Check(name: "engine", ok: false, required: true, detail: "\(error)"))
        }
        if let engine {
            do {
                let client = try await BuildKitClient.discover(endpoint: engine.endpoint)
                checks.append(Check(name: "BuildKit client", ok: true, required: true, detail: client.description))
            } catch {
                checks.append(Check(name: "BuildKit client", ok: false, required: true, detail: "\(error)"))
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
            (try? await ProcessRunner.run(gnuplot, ["--version"]))?.output
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let terminals =
            (try? await ProcessRunner.run(gnuplot, ["-e", "set terminal"], combineOutput: true))?.output ?? ""
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
