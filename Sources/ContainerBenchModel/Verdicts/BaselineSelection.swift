import Foundation

/// What a run's regressions are judged against.
public enum BaselineSelection: Sendable, Equatable, CustomStringConvertible {
    /// No regression gate.
    case none
    /// A named baseline from the history (`baseline save NAME`).
    case named(String)
    /// One earlier run.
    case run(String)
    /// The last N completed runs measured on a comparable machine (same fingerprint key).
    case lastGood(Int)

    /// The runs `last` means: as many as the verdict policy's baseline (`VerdictPolicy.baselineRuns`).
    public static let defaultRuns = 10

    /// Parses `none`, `last`, `last:N`, `run:ID`, or a baseline name.
    public init(parsing text: String) {
        if text == "none" {
            self = .none
        } else if text == "last" {
            self = .lastGood(Self.defaultRuns)
        } else if text.hasPrefix("last:"), let count = Int(text.dropFirst(5)), count > 0 {
            self = .lastGood(count)
        } else if text.hasPrefix("run:") {
            self = .run(String(text.dropFirst(4)))
        } else {
            self = .named(text)
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .named(let name): return "baseline \(name)"
        case .run(let id): return "run \(id)"
        case .lastGood(let count): return "last \(count) good runs on this machine"
        }
    }
}
