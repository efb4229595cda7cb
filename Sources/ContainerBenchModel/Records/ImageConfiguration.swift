import Foundation

/// What an image says about how it runs, as the engine reported it: the input of the image policy checks and of the
/// lint that looks inside images. A value of the model, so that the checks need no engine.
public struct ImageConfiguration: Sendable, Codable, Equatable {
    /// The `USER` the image runs as; empty or nil is root.
    public var user: String?
    /// The environment baked into the image, as `NAME=value` entries.
    public var environment: [String]
    /// The HEALTHCHECK's test (`["CMD", ...]`, `["CMD-SHELL", "..."]`, `["NONE"]`), or nil when none is declared.
    public var healthcheck: [String]?
    /// The image's CMD and ENTRYPOINT.
    public var command: [String]?
    public var entrypoint: [String]?

    /// A configuration; see the properties.
    public init(
        user: String? = nil, environment: [String] = [], healthcheck: [String]? = nil, command: [String]? = nil,
        entrypoint: [String]? = nil
    ) {
        self.user = user
        self.environment = environment
        self.healthcheck = healthcheck
        self.command = command
        self.entrypoint = entrypoint
    }

    /// Whether a HEALTHCHECK is declared (and not disabled with `HEALTHCHECK NONE`).
    public var declaresHealthcheck: Bool {
        guard let healthcheck, let first = healthcheck.first else { return false }
        return first != "NONE"
    }
}
