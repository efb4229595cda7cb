import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Collects the environment fingerprint recorded with every run.
public enum EnvironmentProbe {
    /// Reads the host, the engine and the suite's files.
    /// - Parameter buildClient: what builds (`ImageBuilder.clientDescription`).
    public static func fingerprint(
        engine: any ContainerEngine, buildClient: String, suite: Suite, options: TrialOptions,
        indexMode: String = "pypi"
    ) async -> EnvironmentFingerprint {
        var fingerprint = EnvironmentFingerprint()
        var name = utsname()
        uname(&name)
        fingerprint.kernel = withUnsafeBytes(of: &name.release) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            fingerprint.cpuModel =
                cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
                .map {
                    $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                }
                ?? "unknown"
        }
        fingerprint.cpuCores = ProcessInfo.processInfo.activeProcessorCount
        fingerprint.memoryBytes = Int64(ProcessInfo.processInfo.physicalMemory)
        let version = try? await engine.version()
        if let version {
            fingerprint.engineVersion = version.version
            fingerprint.apiVersion = version.apiVersion
        }
        let endpoint = engine.endpoint
        var host = EngineHostFacts(
            kind: (version?.kind ?? .docker).rawValue, endpoint: endpoint.description, isLocal: endpoint.isLocal)
        if let info = try? await engine.info() {
            fingerprint.storageDriver = info.storageDriver
            // Never defaulted: an engine that does not say is recorded as 0 (unknown), which keeps its runs apart.
            fingerprint.cgroupVersion = info.cgroupVersion.flatMap { Int($0) } ?? 0
            host.name = info.name ?? ""
            host.id = info.id ?? ""
            host.kernel = info.kernelVersion ?? ""
            host.operatingSystem = info.operatingSystem ?? ""
            host.cpus = info.cpus
            host.memoryBytes = info.memoryBytes
            // The measured machine is the engine's host: for a remote engine its kernel, CPUs and memory, not ours.
            if !endpoint.isLocal {
                fingerprint.kernel = host.kernel
                fingerprint.cpuCores = host.cpus
                fingerprint.memoryBytes = host.memoryBytes
                fingerprint.cpuModel = "unknown (remote engine: the Engine API does not report it)"
            }
        }
        fingerprint.engineHost = host
        fingerprint.buildClient = buildClient
        // What each base the suite maps resolved to: the original when the engine has it, else the stand-in.
        let resolver = BaseImageResolver(engine: engine, map: suite.baseImages)
        for reference in suite.baseImages.keys.sorted() {
            guard let use = await resolver.resolve(reference) else { continue }
            fingerprint.baseImages[use.image] = use.imageID
            fingerprint.baseImageUses.append(use)
        }
        fingerprint.trialSettings = Dictionary(
            suite.services.map { ($0.name, $0.trialSettingsDigest(options: options)) }, uniquingKeysWith: { a, _ in a })
        for service in suite.services {
            for file in ["uv.lock", "requirements.txt", "pyproject.toml"] {
                let path = service.context + "/" + file
                if let data = FileManager.default.contents(atPath: path) {
                    fingerprint.lockHashes["\(service.name)/\(file)"] =
                        "fnv1a64:" + StableHash.hex(String(decoding: data, as: UTF8.self))
                }
            }
        }
        let directory = URL(fileURLWithPath: suite.source).deletingLastPathComponent().path
        if let head = try? await ProcessRunner.run("git", ["-C", directory, "rev-parse", "HEAD"], timeout: 30),
            head.succeeded
        {
            fingerprint.gitCommit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if let status = try? await ProcessRunner.run(
                "git", ["-C", directory, "status", "--porcelain", "--", "."], timeout: 30)
            {
                fingerprint.gitDirty = !status.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
        }
        fingerprint.limits = options.limitsDescription
        fingerprint.indexMode = indexMode
        return fingerprint
    }
}
