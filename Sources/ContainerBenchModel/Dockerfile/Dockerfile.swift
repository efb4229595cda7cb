import Foundation

/// A parsed Dockerfile: parser directives, the global ARGs before the first FROM, and the build stages with their
/// instructions, each located by line. Parsing follows BuildKit's Dockerfile frontend, so that what this type says
/// about a Dockerfile (its base images, its final stage, its HEALTHCHECK) is what a build would do.
///
/// Everything that depends on build arguments (`$VAR` expansion, which stage a FROM names, the base images) is
/// computed by `resolve(buildArgs:target:)` and the queries built on it.
public struct Dockerfile: Sendable, Equatable {
    /// The path or name the Dockerfile was read from, used in every message.
    public let file: String
    /// The escape token: `\` (default) or `` ` `` (`# escape=``).
    public let escape: Character
    /// Parser directives in file order.
    public let directives: [Directive]
    /// The ARG instructions before the first FROM: the only variables FROM may use.
    public let globalArgs: [Instruction]
    /// The build stages in file order.
    public let stages: [Stage]
    /// The file's text, kept for rewriting.
    let source: SourceText

    init(
        file: String, source: SourceText, escape: Character, directives: [Directive], globalArgs: [Instruction],
        stages: [Stage]
    ) {
        self.file = file
        self.source = source
        self.escape = escape
        self.directives = directives
        self.globalArgs = globalArgs
        self.stages = stages
    }

    /// Parses a Dockerfile.
    /// - Parameters:
    ///   - text: The file's content.
    ///   - file: Where it came from, for messages (`benchmarks/fastapi/Dockerfile.uv`).
    /// - Throws: `DockerfileError` when BuildKit would refuse the file: no instructions or no FROM, an
    ///   instruction other than ARG before FROM, an unknown keyword, a repeated or invalid directive, an
    ///   unterminated heredoc, a malformed FROM, ARG, ENV, HEALTHCHECK, JSON array or `--mount`, a variable in
    ///   `COPY --from` or `--mount from=`, or `COPY --from=N` naming no stage. Each error names the line.
    public static func parse(_ text: String, file: String) throws -> Dockerfile {
        var parser = DockerfileParser(text: text, file: file)
        return try parser.parse()
    }

    /// Reads and parses the Dockerfile at `path`.
    /// - Throws: `DockerfileError` (`.unreadable` when the file is missing or not UTF-8, else as `parse`).
    public static func load(path: String) throws -> Dockerfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DockerfileError(.unreadable, file: path, message: "cannot read the Dockerfile (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DockerfileError(.unreadable, file: path, message: "the Dockerfile is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// The file's text, exactly as parsed.
    public var text: String { source.string(0..<source.scalars.count) }

    /// Every instruction in file order: global ARGs, then each stage's FROM and instructions.
    public var instructions: [Instruction] {
        globalArgs + stages.flatMap { [$0.from] + $0.instructions }
    }

    /// Every RUN instruction of every stage, in file order.
    public var runInstructions: [Instruction] {
        instructions.filter { $0.keyword == "RUN" }
    }

    /// The directive named `name` (`syntax`, `escape`, `check`), if the file has it.
    public func directive(_ name: String) -> Directive? {
        directives.first { $0.name == name.lowercased() }
    }

    /// The `# syntax=` frontend image, if any: BuildKit pulls it from a registry before it reads the file.
    public var syntax: String? { directive("syntax")?.value }

    /// The last stage named `name` (BuildKit matches names without regard to case; a later stage of the same
    /// name wins).
    public func stage(named name: String) -> Stage? {
        stages.last { $0.isNamed(name) }
    }

    /// The last stage: what a build without `--target` produces. (Parsing guarantees at least one stage.)
    public var finalStage: Stage { stages[stages.count - 1] }

    /// The stage a build with `--target target` ends at: the named stage, or the last one when nil.
    /// - Throws: `DockerfileError(.unknownTarget)` when no stage has that name.
    public func targetStage(_ target: String? = nil) throws -> Stage {
        guard let target else { return finalStage }
        guard let stage = stage(named: target) else {
            let names = stages.compactMap(\.name)
            throw DockerfileError(
                .unknownTarget, file: file,
                message: "target stage '\(target)' is not in the Dockerfile; "
                    + (names.isEmpty
                        ? "it names no stage (FROM ... AS name)" : "its stages are \(names.joined(separator: ", "))"))
        }
        return stage
    }
}
