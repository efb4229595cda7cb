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
    /// `text` with every `--mount=type=cache` flag of a RUN given `id=SCOPE-ID` (its own id, else its target, as
    /// BuildKit and Buildah default the id to the target); unchanged when it has none. Only the RUN's own flags
    /// are read (the words after `RUN`, over continuation lines, up to the first that is not a flag): a
    /// `--mount=` inside the command itself is the command's.
    public static func rewrite(_ text: String, scope: String) -> String {
        var inFlags = false
        var continued = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let comment = trimmed.hasPrefix("#")
            var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            var start = 0
            if !continued && !comment && !trimmed.isEmpty {
                // A new instruction: its flags follow RUN.
                inFlags = false
                if let keyword = words.firstIndex(where: { !$0.isEmpty }), words[keyword].uppercased() == "RUN" {
                    inFlags = true
                    start = keyword + 1
                }
            }
            if inFlags && !comment {
                for index in words.indices.dropFirst(start) where !words[index].isEmpty && words[index] != "\\" {
                    guard words[index].hasPrefix("--") else {
                        inFlags = false
                        break
                    }
                    if words[index].hasPrefix("--mount=") { words[index] = scoped(words[index], scope: scope) }
                }
            }
            if !comment && !trimmed.isEmpty { continued = trimmed.hasSuffix("\\") }
            lines.append(words.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// One `--mount=` flag, scoped when it is a cache mount (quotes around its value kept).
    static func scoped(_ flag: String, scope: String) -> String {
        var value = String(flag.dropFirst("--mount=".count))
        var quote = ""
        if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
            quote = String(first)
            value = String(value.dropFirst().dropLast())
        }
        var fields = value.split(separator: ",").map(String.init)
        func field(_ keys: [String]) -> (Int, String)? {
            for (position, field) in fields.enumerated() {
                let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2, keys.contains(parts[0].lowercased()) { return (position, parts[1]) }
            }
            return nil
        }
        guard field(["type"])?.1.lowercased() == "cache" else { return flag }
        if let (position, id) = field(["id"]) {
            fields[position] = "id=\(scope)-\(sanitized(id))"
        } else if let (_, target) = field(["target", "dst", "destination"]) {
            fields.append("id=\(scope)-\(sanitized(target))")
        } else {
            return flag
        }
        return "--mount=" + quote + fields.joined(separator: ",") + quote
    }

    /// `text` with every character outside `[A-Za-z0-9_.-]` made `_` (a cache id is a directory name to Buildah);
    /// `$`, `{` and `}` are kept, so that a build argument in the id (`id=$CACHE_ID`) is still expanded.
    static func sanitized(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-${}")
        return String(text.map { allowed.contains($0) ? $0 : "_" })
    }
}
