import Foundation

/// What went wrong preparing or running a build.
public struct BuildError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
