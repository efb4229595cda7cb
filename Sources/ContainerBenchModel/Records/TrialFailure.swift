import Foundation

/// Why a trial failed, as a case to match and a message to read. The message names what happened and what to do;
/// `logs` keeps the container's last lines when there were any.
public struct TrialFailure: Sendable, Codable, Equatable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The service's port was already served on 127.0.0.1 before the container started.
        case portInUse = "port-in-use"
        /// The readiness probe could not be made.
        case probeUnavailable = "probe-unavailable"
        /// The engine refused to create the container.
        case createFailed = "create-failed"
        /// The engine refused to start it.
        case startFailed = "start-failed"
        /// The container exited (see `phase` and `exitCode`).
        case exited
        /// The image's HEALTHCHECK reported unhealthy (see `phase`).
        case unhealthy
        /// The health path did not answer with an accepted status within the ready timeout.
        case notReady = "not-ready"
        /// The run was interrupted (SIGINT/SIGTERM) during the trial.
        case interrupted
        /// A failure stored by a containerbench that did not record its kind.
        case unknown
    }

    /// When, relative to the service answering, a failure happened.
    public enum Phase: String, Sendable, Codable {
        case beforeReady = "before-ready"
        case afterReady = "after-ready"
    }

    public var kind: Kind
    public var phase: Phase?
    /// The exit code, for `exited`.
    public var exitCode: Int?
    /// The sentence a person reads.
    public var message: String
    /// The container's last log lines, when there were any.
    public var logs: String?

    /// A failure; see the properties.
    public init(_ kind: Kind, _ message: String, phase: Phase? = nil, exitCode: Int? = nil, logs: String? = nil) {
        self.kind = kind
        self.phase = phase
        self.exitCode = exitCode
        self.message = message
        let trimmed = logs?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.logs = trimmed?.isEmpty == false ? trimmed : nil
    }

    /// The message, then the log lines.
    public var description: String {
        guard let logs else { return message }
        return "\(message); last log lines:\n\(logs)"
    }
}
