import Foundation

extension Dockerfile {
    /// What a Dockerfile builds once the build arguments and target are known: the value of every global ARG,
    /// what each stage starts from, which stages the target needs, and every external image it names.
    public struct Resolution: Sendable, Equatable {
        /// What a stage starts from.
        public enum Base: Sendable, Equatable {
            /// An external image.
            case image(ImageReference)
            /// An earlier stage (by index).
            case stage(Int)
            /// `FROM scratch`: nothing.
            case scratch
        }

        /// One stage, resolved.
        public struct Stage: Sendable, Equatable {
            /// 0-based, as in `Dockerfile.stages`.
            public var index: Int
            /// What the stage starts from, after expansion.
            public var base: Base
            /// `--platform` after expansion, or nil.
            public var platform: String?
            /// The stages this one reads from (its base, `COPY --from`, `--mount from`), by index, sorted.
            public var dependencies: [Int]
        }

        /// The variables FROM sees: automatic platform arguments and the ARGs before the first FROM.
        public var globalArgs: [String: String]
        /// Every stage, in file order.
        public var stages: [Stage]
        /// Index of the stage the build ends at (`--target`, else the last).
        public var target: Int
        /// The stages the target needs, itself included, sorted.
        public var reachable: [Int]
        /// Every external image reference of every stage, in file order.
        public var references: [ImageReference]

        /// The external images the build of the target pulls: references in reachable stages only (BuildKit does
        /// not resolve the bases of stages the target does not need).
        public var neededReferences: [ImageReference] {
            references.filter { reachable.contains($0.stage) }
        }

        /// The external image the target stage is ultimately built on, following `FROM stage` to the stage's own
        /// base; nil when that chain ends in `scratch`.
        public func baseImage(of index: Int) -> ImageReference? {
            var current = index
            var seen: Set<Int> = []
            while seen.insert(current).inserted, stages.indices.contains(current) {
                switch stages[current].base {
                case .image(let reference): return reference
                case .stage(let parent): current = parent
                case .scratch: return nil
                }
            }
            return nil
        }
    }

    /// The platform the automatic `TARGETPLATFORM`/`BUILDPLATFORM` arguments describe: this machine's.
    public static var hostPlatform: String {
        #if arch(arm64)
            return "linux/arm64"
        #else
            return "linux/amd64"
        #endif
    }

    /// Resolves stages and references for a build.
    /// - Parameters:
    ///   - buildArgs: `--build-arg` values. They override the defaults of declared ARGs only (an undeclared one
    ///     is not seen), as in BuildKit.
    ///   - target: `--target`; nil builds the last stage.
    ///   - platform: The value of the automatic platform arguments (`linux/amd64`).
    /// - Throws: `DockerfileError` for an unknown target, a malformed or failing `$` expansion, a FROM that
    ///   expands to nothing, or a reference that is not a valid image name; each names the line.
    public func resolve(
        buildArgs: [String: String] = [:], target: String? = nil, platform: String = Dockerfile.hostPlatform
    ) throws -> Resolution {
        let targetIndex = try targetStage(target).index
        let globals = try globalArgValues(buildArgs: buildArgs, platform: platform)
        var resolved: [Resolution.Stage] = []
        var references: [ImageReference] = []
        for stage in stages {
            let line = source.line(of: stage.baseText.site?.lowerBound ?? 0)
            let name = try expand(stage.base, globals, line: line, what: "FROM \(stage.base)")
            guard !name.isEmpty else {
                throw DockerfileError(
                    .invalidImageReference, file: file, line: line,
                    message: "FROM \(stage.base) expands to nothing: give the argument a default (ARG NAME=image "
                        + "before the first FROM) or pass --build-arg NAME=image")
            }
            var base = Resolution.Base.scratch
            var dependencies: Set<Int> = []
            // FROM can only name a stage defined before it, and matches the expanded name exactly.
            if let parent = stages[..<stage.index].last(where: { $0.name?.lowercased() == name }) {
                base = .stage(parent.index)
                dependencies.insert(parent.index)
            } else if name != "scratch" {
                let reference = try self.reference(
                    name, written: stage.base, kind: .from, stage: stage.index, text: stage.baseText, line: line)
                base = .image(reference)
                references.append(reference)
            }
            let platformValue = try stage.platform.map {
                try expand($0, globals, line: stage.line, what: "FROM --platform=\($0)")
            }
            for instruction in stage.instructions {
                var sources: [(value: String, text: TracedText?, kind: ImageReference.Kind, line: Int)] = []
                if instruction.keyword == "COPY", let flag = instruction.flag("from"), let value = flag.value {
                    sources.append((value, flag.valueText, .copyFrom, flag.line))
                }
                for mount in instruction.mounts {
                    if let value = mount.from, !value.isEmpty {
                        sources.append((value, mount.fromText, .mountFrom, mount.line))
                    }
                }
                for source in sources {
                    if let number = Int(source.value), stages.indices.contains(number) {
                        dependencies.insert(number)
                    } else if let named = stages.last(where: { $0.isNamed(source.value) }) {
                        dependencies.insert(named.index)
                    } else if source.value != "scratch", let text = source.text {
                        references.append(
                            try reference(
                                source.value, written: text.string, kind: source.kind, stage: stage.index, text: text,
                                line: source.line))
                    }
                }
            }
            resolved.append(
                Resolution.Stage(
                    index: stage.index, base: base, platform: platformValue, dependencies: dependencies.sorted()))
        }
        var reachable: Set<Int> = []
        var pending = [targetIndex]
        while let next = pending.popLast() {
            guard reachable.insert(next).inserted else { continue }
            pending += resolved[next].dependencies
        }
        return Resolution(
            globalArgs: globals, stages: resolved, target: targetIndex, reachable: reachable.sorted(),
            references: references.sorted { $0.site.lowerBound < $1.site.lowerBound })
    }

    /// Every external image the build of `target` needs, after ARG expansion, in file order: FROM images,
    /// `COPY --from` and `RUN --mount from` images. Stage names and indexes, `scratch` and stages the target does
    /// not need are left out.
    /// - Throws: `DockerfileError` as `resolve`.
    public func baseReferences(buildArgs: [String: String] = [:], target: String? = nil) throws -> [ImageReference] {
        try resolve(buildArgs: buildArgs, target: target).neededReferences
    }

    /// The external image the final stage (or `target`) is built on, through stage names: for
    /// `FROM python:3.12-slim AS builder` … `FROM builder AS final`, the python image. Nil for `scratch`.
    /// - Throws: `DockerfileError` as `resolve`.
    public func finalBase(buildArgs: [String: String] = [:], target: String? = nil) throws -> ImageReference? {
        let resolution = try resolve(buildArgs: buildArgs, target: target)
        return resolution.baseImage(of: resolution.target)
    }

    /// The automatic platform arguments, then each ARG before the first FROM: its `--build-arg` value if given,
    /// else its default expanded with what came before.
    func globalArgValues(buildArgs: [String: String], platform: String) throws -> [String: String] {
        var values = Self.platformArgs(platform)
        for instruction in globalArgs {
            for assignment in instruction.assignments {
                if let value = buildArgs[assignment.key] {
                    values[assignment.key] = value
                } else if let value = assignment.value {
                    values[assignment.key] = try expand(
                        value, values, line: instruction.startLine, what: "ARG \(assignment.key)=\(value)")
                }
            }
        }
        return values
    }

    static func platformArgs(_ platform: String) -> [String: String] {
        let parts = platform.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let os = parts.first ?? "linux"
        let arch = parts.count > 1 ? parts[1] : ""
        let variant = parts.count > 2 ? parts[2] : ""
        var values: [String: String] = [:]
        for prefix in ["BUILD", "TARGET"] {
            values["\(prefix)PLATFORM"] = platform
            values["\(prefix)OS"] = os
            values["\(prefix)ARCH"] = arch
            values["\(prefix)VARIANT"] = variant
        }
        return values
    }

    /// `word` expanded with `variables`; failures become a `DockerfileError` naming the line and instruction.
    /// - Parameter keepingUnknown: Leave variables that are not in `variables` as written (for values that may
    ///   come from the base image's environment, which only the engine knows).
    func expand(_ word: String, _ variables: [String: String], line: Int, what: String, keepingUnknown: Bool = false)
        throws -> String
    {
        do {
            let lexer = ShellWordLexer(escape: escape.unicodeScalars.first ?? "\\", keepsUnsetVariables: keepingUnknown)
            return try lexer.expand(word, environment: variables)
        } catch {
            throw DockerfileError(.invalidExpansion, file: file, line: line, message: "\(what): \(error.message)")
        }
    }

    func reference(
        _ name: String, written: String, kind: ImageReference.Kind, stage: Int, text: TracedText, line: Int
    ) throws -> ImageReference {
        guard let image = ImageName(name) else {
            let problem = ImageName.problem(name) ?? "not a valid image reference"
            throw DockerfileError(
                .invalidImageReference, file: file, line: line,
                message: "\(kind.instruction) \(written)"
                    + (written == name ? "" : " (= \(name))") + ": not a valid image name: \(problem)")
        }
        return ImageReference(
            name: name, image: image, written: written, kind: kind, file: file, line: line, stage: stage,
            site: text.site ?? 0..<0)
    }
}
