import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Collects the environment fingerprint recorded with every run.
public enum EnvironmentProbe {
    /// Reads the host, the engine and the suite's files.
    public static func fingerprint(
        engine: DockerEngine, client: BuildKitClient?, suite: Suite, options: TrialOptions, indexMode: String = "pypi"
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
        if let version = try? await engine.version() {
            fingerprint.engineVersion = version.version
            fingerprint.apiVersion = version.apiVersion
        }
        if let info = try? await engine.info() {
            fingerprint.storageDriver = info.storageDriver
            fingerprint.cgroupVersion = Int(info.cgroupVersion ?? "1") ?? 1
        }
        fingerprint.buildClient = client?.description ?? "none"
        for target in Set(suite.baseImages.values).sorted() {
            if let image = try? await engine.inspectImage(target) { fingerprint.baseImages[target] = image.id }
        }
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
        if let head = try? await ProcessRunner.run("git", ["-C", directory, "rev-parse", "HEAD"]), head.succeeded {
            fingerprint.gitCommit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if let status = try? await ProcessRunner.run("git", ["-C", directory, "status", "--porcelain", "--", "."]) {
                fingerprint.gitDirty = !status.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
        }
        fingerprint.limits = options.limitsDescription
        fingerprint.indexMode = indexMode
        return fingerprint
    }
}
