import Foundation

/// A named reference for regression checks: the metric samples of one or more runs, kept even after the runs
/// themselves are gone (and present on machines that never had them, after an import).
public struct Baseline: Sendable, Codable, Equatable {
    /// The name, e.g. "nightly" or "v1.2".
    public var name: String
    /// When the baseline was saved (or first saved, for an imported one).
    public var createdAt: Date
    /// Why this baseline exists.
    public var description: String
    /// The runs whose samples it holds, newest first.
    public var runIDs: [String]
    /// The runs' `EnvironmentFingerprint.comparabilityKey` when they share one; nil when they differ.
    public var fingerprintKey: String?

    /// Makes a baseline description.
    public init(name: String, createdAt: Date, description: String, runIDs: [String], fingerprintKey: String?) {
        self.name = name
        self.createdAt = createdAt
        self.description = description
        self.runIDs = runIDs
        self.fingerprintKey = fingerprintKey
    }
}
