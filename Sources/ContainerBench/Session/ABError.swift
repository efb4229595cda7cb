import Foundation

/// Why `ab` could not set up its comparison (a missing Dockerfile, a bad git ref). Measuring failures are not
/// errors: they are recorded in the run like any other run's.
public struct ABError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, with which input, and what to do.
    public var message: String

    /// An error with a message a user can act on.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
