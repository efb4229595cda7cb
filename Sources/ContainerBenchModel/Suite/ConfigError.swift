import Foundation

/// A problem in a suite or targets file, located by file, line and field.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based; nil when the problem is not at one place (the file is missing or empty).
    public var line: Int?
    /// Dotted path of the field: `services[1].health.path`.
    public var field: String?
    /// What is wrong and what would be valid.
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let field, !field.isEmpty { return "\(location): \(field): \(message)" }
        return "\(location): \(message)"
    }
}
