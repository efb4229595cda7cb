import Foundation

/// Who creates things on an engine: a host reaching an engine through one endpoint. Many runners may share one
/// engine (CI hosts on one remote dockerd); every container, image and cache entry containerbench makes carries its
/// runner's id, and a run or `gc` removes only its own runner's objects, or another runner's that are older than
/// the lease (docs/security.md, "Ownership on shared engines").
public struct RunnerIdentity: Sendable, Equatable, CustomStringConvertible {
    /// `HOST-xxxxxxxx` (a hash of host and endpoint), or `CONTAINERBENCH_RUNNER` when set.
    public var id: String
    public var host: String
    /// The engine endpoint as this runner reaches it.
    public var endpoint: String

    public init(id: String, host: String, endpoint: String) {
        self.id = id
        self.host = host
        self.endpoint = endpoint
    }

    public var description: String { "\(id) (\(host) → \(endpoint))" }

    /// The labels that mark an object as this runner's.
    public var labels: [String: String] { [ContainerLabels.runner: id, ContainerLabels.host: host] }

    /// Whether an object with `labels` is this runner's.
    public func owns(_ labels: [String: String]) -> Bool { labels[ContainerLabels.runner] == id }

    /// The runner of this process on `endpoint`. `CONTAINERBENCH_RUNNER` (letters, digits, `_.-`, at most 64)
    /// overrides the derived id, for hosts whose names are not stable (ephemeral CI machines).
    public static func of(
        _ endpoint: EngineEndpoint, host: String = hostName(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> RunnerIdentity {
        let place = endpoint.description
        if let chosen = environment["CONTAINERBENCH_RUNNER"], isValidID(chosen) {
            return RunnerIdentity(id: chosen, host: host, endpoint: place)
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (host + "\n" + place).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        let name = String(host.filter { allowed.contains($0) }.prefix(40))
        let suffix = String(String(hash, radix: 16).suffix(8))
        return RunnerIdentity(id: (name.isEmpty ? "host" : name) + "-" + suffix, host: host, endpoint: place)
    }

    /// `[A-Za-z0-9_.-]{1,64}`.
    public static func isValidID(_ text: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        return !text.isEmpty && text.count <= 64 && text.allSatisfy { allowed.contains($0) }
    }

    /// This machine's host name.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let name = String(cString: buffer)
        return name.isEmpty ? "unknown" : name
    }
}
