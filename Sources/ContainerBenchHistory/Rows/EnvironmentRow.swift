import Foundation

/// `environments`: A run's environment fingerprint; maps and lists are JSON text.
struct EnvironmentRow: HistoryTableRow {
    static let table = "environments"

    /// The run.
    var runID: String
    var kernel: String
    var cpuModel: String
    var cpuCores: Int
    var memoryBytes: Int64
    var engineVersion: String
    var apiVersion: String
    var storageDriver: String
    var cgroupVersion: Int
    var buildClient: String
    var harnessVersion: String
    /// JSON object: image name → id.
    var baseImages: String
    /// JSON object: service/file → hash.
    var lockHashes: String
    var gitCommit: String?
    var gitDirty: Bool?
    var limits: String
    var indexMode: String
    /// JSON array of `BaseImageUse`.
    var baseImageUses: String
    /// `EngineHostFacts` as JSON (schema v5 on; null in older runs).
    var engineHost: String?
    /// JSON object: service → trial settings digest (schema v5 on; null in older runs).
    var trialSettings: String?
}
