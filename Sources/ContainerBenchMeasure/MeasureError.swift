import Foundation

/// What went wrong measuring an image or a container outside the engine API (archives, compression, files).
public struct MeasureError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A message a user can act on: what failed, on which file, what to do.
    public var message: String

    /// Makes an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message, prefixed with the area.
    public var description: String { "measurement error: \(message)" }
}
