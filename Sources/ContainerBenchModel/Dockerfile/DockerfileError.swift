import Foundation

/// A Dockerfile that cannot be read, parsed or resolved, located by file and line, with what to do about it.
public struct DockerfileError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of problem this is; tests and callers match on it, not on the message.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The file cannot be read or is not UTF-8.
        case unreadable
        /// Only comments, directives and blank lines.
        case noInstructions
        /// No `FROM`: nothing to build.
        case noStage
        /// An instruction other than `ARG` before the first `FROM`.
        case instructionBeforeFrom
        /// A keyword BuildKit does not know.
        case unknownInstruction
        /// A parser directive repeated, or `# escape=` with a value other than `\` or `` ` ``.
        case invalidDirective
        /// A here-document whose terminator never comes.
        case unterminatedHeredoc
        /// An instruction whose arguments BuildKit would refuse (FROM without image, `ARG =x`, HEALTHCHECK type).
        case invalidInstruction
        /// A JSON (exec form) array with something other than strings.
        case invalidJSON
        /// A flag value BuildKit would refuse (a `--mount` field, a HEALTHCHECK duration).
        case invalidFlag
        /// `COPY --from=$VAR` or `--mount=from=$VAR`: BuildKit does not expand variables there.
        case variableInFrom
        /// `COPY --from=N` naming a stage index that does not exist.
        case invalidStageIndex
        /// A `$`-expansion that is malformed or that `${VAR?message}` makes fail.
        case invalidExpansion
        /// A base image name that is not a valid image reference after expansion.
        case invalidImageReference
        /// A build target that names no stage.
        case unknownTarget
        /// A base image that is neither present, pullable nor mapped to a local stand-in.
        case unmappedBaseImage
    }

    /// What kind of problem.
    public var code: Code
    /// The Dockerfile, as the user named it.
    public var file: String
    /// 1-based; nil when the problem is not at one place.
    public var line: Int?
    /// What is wrong and what to do.
    public var message: String

    /// An error at `line` of `file`; `message` says what is wrong and what to do.
    public init(_ code: Code, file: String, line: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, as compilers print it.
    public var description: String {
        guard let line else { return "\(file): \(message)" }
        return "\(file):\(line): \(message)"
    }
}
