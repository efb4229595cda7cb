import Foundation

extension Dockerfile {
    /// A value an instruction sets, with the line that sets it.
    public struct Setting<Value: Sendable & Equatable>: Sendable, Equatable {
        /// What the instruction sets, expanded.
        public var value: Value
        /// 1-based line of the instruction.
        public var line: Int

        /// `value`, set at `line`.
        public init(value: Value, line: Int) {
            self.value = value
            self.line = line
        }
    }

    /// CMD or ENTRYPOINT as written and as the engine runs it.
    public struct ConfiguredCommand: Sendable, Equatable {
        /// Exec or shell form, as written.
        public var form: CommandForm
        /// The argument vector: exec form as is, shell form behind the SHELL in effect at that line.
        public var argv: [String]
        /// 1-based line of the instruction.
        public var line: Int
    }

    /// What the Dockerfile itself sets in the image of a stage, following `FROM stage` chains (a stage starts
    /// with what its parent stage set). Nil means the Dockerfile does not set it: the base image's value applies,
    /// which only the engine knows.
    public struct ImageConfig: Sendable, Equatable {
        /// The stage described.
        public var stage: Int
        /// The last USER, expanded.
        public var user: Setting<String>?
        /// The last WORKDIR, expanded and joined with earlier ones.
        public var workdir: Setting<String>?
        /// The last CMD (an ENTRYPOINT later in the same stage clears it, as in BuildKit).
        public var cmd: ConfiguredCommand?
        /// The last ENTRYPOINT.
        public var entrypoint: ConfiguredCommand?
        /// The last HEALTHCHECK (possibly `NONE`).
        public var healthcheck: Healthcheck?
        /// The SHELL in effect at the end of the stage.
        public var shell: [String]
        /// ENV variables, values expanded; a variable the Dockerfile does not set (`$PATH` of the base image) is
        /// left as written.
        public var environment: [String: String]
        /// The line of the ENV that set each variable last.
        public var environmentLines: [String: Int]
        /// EXPOSE entries, expanded (`8000`, `8000/tcp`), in order.
        public var exposedPorts: [String]
    }

    /// The settings of the final stage (or `target`).
    /// - Throws: `DockerfileError` as `resolve` (unknown target, bad expansion).
    public func imageConfig(target: String? = nil, buildArgs: [String: String] = [:]) throws -> ImageConfig {
        let resolution = try resolve(buildArgs: buildArgs, target: target)
        return try imageConfigs(resolution: resolution, buildArgs: buildArgs)[resolution.target]
    }

    /// The settings of every stage, in order, for a resolution of this Dockerfile.
    /// - Throws: `DockerfileError(.invalidExpansion)` when a USER, ENV, ARG default, WORKDIR or EXPOSE value
    ///   cannot be expanded.
    public func imageConfigs(resolution: Resolution, buildArgs: [String: String] = [:]) throws -> [ImageConfig] {
        var configs: [ImageConfig] = []
        var scopes: [[String: String]] = []
        for stage in stages {
            var config = ImageConfig(
                stage: stage.index, user: nil, workdir: nil, cmd: nil, entrypoint: nil, healthcheck: nil,
                shell: CommandForm.defaultShell, environment: [:], environmentLines: [:], exposedPorts: [])
            // ARG and ENV values both expand later words; only ENV ends up in the image.
            var variables: [String: String] = [:]
            if case .stage(let parent) = resolution.stages[stage.index].base, parent < configs.count {
                config = configs[parent]
                config.stage = stage.index
                variables = scopes[parent]
            }
            var cmdSetHere = false
            for instruction in stage.instructions {
                let line = instruction.startLine
                switch instruction.keyword {
                case "ARG":
                    for assignment in instruction.assignments {
                        if let value = buildArgs[assignment.key] {
                            variables[assignment.key] = value
                        } else if let value = assignment.value {
                            variables[assignment.key] = try expand(
                                value, variables, line: line, what: "ARG \(assignment.key)=\(value)",
                                keepingUnknown: true)
                        } else if let global = resolution.globalArgs[assignment.key] {
                            // `ARG NAME` inside a stage takes the global value (declared before FROM, or automatic).
                            variables[assignment.key] = global
                        }
                    }
                case "ENV":
                    for assignment in instruction.assignments {
                        let what = "ENV \(assignment.key)"
                        let key = try expand(assignment.key, variables, line: line, what: what, keepingUnknown: true)
                        let value = try expand(
                            assignment.value ?? "", variables, line: line, what: what, keepingUnknown: true)
                        variables[key] = value
                        config.environment[key] = value
                        config.environmentLines[key] = line
                    }
                case "USER":
                    config.user = Setting(
                        value: try expand(
                            instruction.arguments, variables, line: line, what: "USER", keepingUnknown: true),
                        line: line)
                case "WORKDIR":
                    let path = try expand(
                        instruction.arguments, variables, line: line, what: "WORKDIR", keepingUnknown: true)
                    let joined =
                        path.hasPrefix("/")
                        ? path
                        : ((config.workdir?.value ?? "/") as NSString)
                            .appendingPathComponent(path)
                    config.workdir = Setting(value: joined, line: line)
                case "EXPOSE":
                    for word in instruction.words {
                        config.exposedPorts.append(
                            try expand(word, variables, line: line, what: "EXPOSE", keepingUnknown: true))
                    }
                case "SHELL":
                    if case .exec(let shell) = instruction.command { config.shell = shell }
                case "CMD":
                    if let form = instruction.command {
                        config.cmd = ConfiguredCommand(form: form, argv: form.argv(shell: config.shell), line: line)
                        cmdSetHere = true
                    }
                case "ENTRYPOINT":
                    if let form = instruction.command {
                        config.entrypoint = ConfiguredCommand(
                            form: form, argv: form.argv(shell: config.shell), line: line)
                    }
                    if !cmdSetHere { config.cmd = nil }
                case "HEALTHCHECK":
                    config.healthcheck = instruction.healthcheck
                default:
                    break
                }
            }
            configs.append(config)
            scopes.append(variables)
        }
        return configs
    }
}
