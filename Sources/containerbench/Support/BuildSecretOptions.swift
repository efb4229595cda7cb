import ArgumentParser
import ContainerBench
import Foundation

/// `--secret` of the commands that build (`run`, `ab`): BuildKit secrets for `RUN --mount=type=secret` steps.
struct BuildSecretOptions: ParsableArguments {
    @Option(
        name: .customLong("secret"),
        help: ArgumentHelp(
            "A build secret for RUN --mount=type=secret,id=ID (repeatable), as docker build takes it: "
                + "id=ID,src=FILE or id=ID,env=VARIABLE. Never stored; masked wherever its value shows up.",
            valueName: "SPEC"))
    var entries: [String] = []

    func validate() throws {
        _ = try secrets()
    }

    /// The secrets, relative paths resolved against the working directory.
    func secrets() throws -> [BuildSecret] {
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var seen = Set<String>()
        return try entries.map { entry in
            do {
                let secret = try BuildSecret.parse(entry, relativeTo: directory)
                guard seen.insert(secret.id).inserted else {
                    throw ValidationError("--secret: id \(secret.id) given twice")
                }
                return secret
            } catch let error as ConfigError {
                throw ValidationError("\(error)")
            }
        }
    }
}
