import Foundation

/// How much an image policy check counts.
public enum PolicyLevel: String, Sendable, Codable, CaseIterable {
    /// A failed check fails the run (exit 1).
    case error
    /// A failed check is reported, the run is not failed for it.
    case warn
    /// The check is not run.
    case off
}

/// The level of each image policy check: in `targets.yaml` (`policy:`), overridden by `--policy CHECK=LEVEL`.
public struct PolicySettings: Sendable, Codable, Equatable {
    /// The checks there are.
    public static let checks = ["non-root", "healthcheck", "no-secrets"]

    /// Levels by check; a check not listed is at its default.
    public var levels: [String: PolicyLevel]

    /// Settings with `levels` over the defaults.
    public init(levels: [String: PolicyLevel] = [:]) {
        self.levels = levels
    }

    /// The defaults when nothing says otherwise: a secret baked into an image fails the run; running as root and
    /// having no HEALTHCHECK are reported but do not fail it, because most upstream images do both and a new user's
    /// first run should say so without calling every image a breach. The project's own targets.yaml raises both to
    /// `error`, because the seed's services are built non-root with a HEALTHCHECK.
    public static let defaults: [String: PolicyLevel] = ["non-root": .warn, "healthcheck": .warn, "no-secrets": .error]

    /// The level of `check`.
    public func level(of check: String) -> PolicyLevel {
        levels[check] ?? Self.defaults[check] ?? .error
    }

    /// `CHECK=LEVEL` from `--policy`.
    /// - Throws: `ConfigError` naming the flag, the check or the level that is not known.
    public static func entry(fromFlag text: String) throws -> (check: String, level: PolicyLevel) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, checks.contains(parts[0]), let level = PolicyLevel(rawValue: parts[1]) else {
            throw ConfigError(
                file: "command line", field: "--policy",
                message: "'\(text)' is not CHECK=LEVEL; checks: \(checks.joined(separator: ", ")); levels: "
                    + PolicyLevel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return (parts[0], level)
    }
}
