import ContainerBenchEngine
import Foundation
import Synchronization

/// Cache mounts (`RUN --mount=type=cache`) scoped to the run that uses them, so that runners sharing a builder
/// never empty or fill each other's installer caches (docs/security.md, "Ownership on shared engines").
///
/// A cold build used to empty every cache mount of the builder (`docker builder prune --filter
/// type=exec.cachemount`), other runners' included. Instead each cold build gets cache ids of its own, never used
/// before, so it starts from empty caches without removing anything; the warm and change builds after it use the
/// same ids (the caches that cold build filled), and builds with no cold build before them in the run use the
/// runner's own ids. Cache mounts nobody used for longer than the lease are pruned (`until=`), by the engine's
/// clock: only what an owner left behind.
public final class CacheScopes: Sendable {
    private let runner: String
    private let scopes = Mutex<[String: String]>([:])

    /// Scopes for builds by `runner` (a `RunnerIdentity.id`).
    public init(runner: String) {
        self.runner = runner
    }

    /// The scope of a build of `service` × `driver`: a fresh one for a cold build, else the last cold build's of
    /// the same pair in this run, else the runner's own.
    public func scope(service: String, driver: String, cold: Bool) -> String {
        let key = service + "/" + driver
        return scopes.withLock { scopes in
            if cold {
                let fresh = "cb-\(runner)-\(UUID().uuidString.prefix(8).lowercased())"
                scopes[key] = fresh
                return fresh
            }
            return scopes[key] ?? "cb-\(runner)"
        }
    }

    /// Whether `id` (a cache-mount id or a Buildah cache directory name) belongs to this runner's scopes.
    public func isOwn(_ id: String) -> Bool { id.hasPrefix("cb-\(runner)-") || id == "cb-\(runner)" }

    /// The scopes handed out in this run.
    public var current: Set<String> { scopes.withLock { Set($0.values) } }
}

/// The text rewrite that puts a build's cache mounts in its scope.
public enum CacheMountScoping {
    /// `text` with every `--mount=type=cache` of a RUN given `id=SCOPE-ID` (its own id, else its target, as
    /// BuildKit and Buildah default the id to the target); unchanged when it has none.
    public static func rewrite(_ text: String, scope: String) -> String {
        var inRun = false
        var continued = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !continued && !trimmed.hasPrefix("#") && !trimmed.isEmpty {
                inRun = trimmed.prefix { !$0.isWhitespace }.uppercased() == "RUN"
            }
            if !trimmed.hasPrefix("#") && !trimmed.isEmpty { continued = trimmed.hasSuffix("\\") }
            lines.append(inRun && line.contains("--mount=") ? scoped(line, scope: scope) : line)
        }
        return lines.joined(separator: "\n")
    }

    /// One line's `--mount=` words of type cache, scoped.
    static func scoped(_ line: String, scope: String) -> String {
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where words[index].hasPrefix("--mount=") {
            var fields = words[index].dropFirst("--mount=".count).split(separator: ",").map(String.init)
            func value(_ keys: [String]) -> (Int, String)? {
                for (position, field) in fields.enumerated() {
                    let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2, keys.contains(parts[0].lowercased()) { return (position, parts[1]) }
                }
                return nil
            }
            guard value(["type"])?.1.lowercased() == "cache" else { continue }
            if let (position, id) = value(["id"]) {
                fields[position] = "id=\(scope)-\(sanitized(id))"
            } else if let (_, target) = value(["target", "dst", "destination"]) {
                fields.append("id=\(scope)-\(sanitized(target))")
            } else {
                continue
            }
            words[index] = "--mount=" + fields.joined(separator: ",")
        }
        return words.joined(separator: " ")
    }

    /// `text` with every character outside `[A-Za-z0-9_.-]` made `_` (a cache id is a directory name to Buildah).
    static func sanitized(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        return String(text.map { allowed.contains($0) ? $0 : "_" })
    }
}
