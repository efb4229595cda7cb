import ArgumentParser
import ContainerBench
import Foundation

/// What a suite service can say, as flags: for `run --dockerfile` and `ab` (the same names in both).
struct ServiceOptions: ParsableArguments {
    @Option(help: "Build context (default: the Dockerfile's folder).")
    var context: String?

    @Option(help: "The port the service listens on (host network; probed on 127.0.0.1).")
    var port: Int?

    @Option(help: "The path that answers when the service is ready.")
    var healthPath: String = "/health"

    @Option(help: "The status that counts as ready (default: any 2xx).")
    var healthStatus: Int?

    @Option(help: "Seconds to wait for ready before a trial fails (e.g. 60s, 2m).")
    var readyTimeout: DurationArgument?

    @Option(help: "Seconds of memory sampling after ready (e.g. 5s).")
    var memoryWindow: DurationArgument?

    @Option(name: .customLong("env"), help: "KEY=VALUE set in the container (repeatable).")
    var environment: [String] = []

    @Option(name: .customLong("build-arg"), help: "KEY=VALUE passed to the build (repeatable).")
    var buildArgs: [String] = []

    @Option(help: "The Dockerfile stage to build (docker build --target).")
    var target: String?

    @Option(
        help: ArgumentHelp(
            "The command the container runs instead of the image's CMD: a JSON array "
                + "(`[\"gunicorn\",\"app:app\"]`) or words split on spaces.", valueName: "COMMAND"))
    var command: String?

    @Option(help: "The service name in the history (default: the Dockerfile's folder).")
    var name: String?

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--port must be from 1 to 65535, got \(port)")
        }
        if let healthStatus, !(100...599).contains(healthStatus) {
            throw ValidationError("--health-status must be from 100 to 599, got \(healthStatus)")
        }
        try readyTimeout?.check("--ready-timeout", within: 0.1...3600)
        try memoryWindow?.check("--memory-window", within: 0...3600)
        _ = try Self.pairs(environment, flag: "--env", keyCheck: { !$0.isEmpty && !$0.contains("=") })
        _ = try Self.pairs(buildArgs, flag: "--build-arg", keyCheck: Validation.isBuildArgName)
        if let command { _ = try Self.words(command) }
        if let name, !Validation.isName(name) {
            throw ValidationError("--name '\(name)' is not valid: lower-case letters, digits, '-', '_', '.'")
        }
        if let target, target.isEmpty { throw ValidationError("--target is empty") }
    }

    /// `KEY=VALUE` flags as a dictionary.
    static func pairs(_ values: [String], flag: String, keyCheck: (String) -> Bool) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in values {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, keyCheck(parts[0]) else {
                throw ValidationError("\(flag) '\(pair)' is not KEY=VALUE")
            }
            result[parts[0]] = parts[1]
        }
        return result
    }

    /// A command as an argument vector: a JSON array of strings, or words split on whitespace.
    static func words(_ text: String) throws -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("[") {
            guard let data = trimmed.data(using: .utf8),
                let words = try? JSONDecoder().decode([String].self, from: data), !words.isEmpty
            else { throw ValidationError("--command '\(text)' is not a JSON array of strings") }
            return words
        }
        let words = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw ValidationError("--command is empty") }
        return words
    }

    /// The ad-hoc suite spec of `dockerfile` with these settings.
    func spec(dockerfile: String, trials: Int, healthInterval: Double?) throws -> AdHocSuite.Spec {
        AdHocSuite.Spec(
            dockerfile: dockerfile, context: context, port: port ?? 0, healthPath: healthPath,
            healthStatus: healthStatus, healthInterval: healthInterval, name: name, trials: trials,
            readyTimeout: readyTimeout?.seconds ?? 60, memoryWindow: memoryWindow?.seconds ?? 5,
            environment: try Self.pairs(environment, flag: "--env", keyCheck: { !$0.isEmpty }),
            buildArgs: try Self.pairs(buildArgs, flag: "--build-arg", keyCheck: Validation.isBuildArgName),
            target: target, command: try command.map(Self.words))
    }
}
