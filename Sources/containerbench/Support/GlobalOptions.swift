import ArgumentParser
import ContainerBench
import Foundation
import Logging

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The history: a SQLite file or postgresql://USER@HOST[:PORT]/DATABASE (default: $CONTAINERBENCH_HISTORY, "
                + "else results/history.sqlite).", valueName: "file-or-url"))
    var history: String?

    @Flag(name: .shortAndLong, help: "Print debug logs (engine calls, build commands).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only the verdict and errors.")
    var quiet = false

    /// Where the history is: the flag, else `CONTAINERBENCH_HISTORY`, else `results/history.sqlite`.
    /// - Throws: an exit 4 with a message (without any password) when the location is not valid.
    func historyLocation() throws -> HistoryLocation {
        do {
            return try HistoryLocation.resolve(flag: history)
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }

    /// A logger at the level the flags ask for, writing to stderr.
    func makeLogger() -> Logger {
        var logger = Logger(label: "containerbench") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : (quiet ? .error : .warning)
        return logger
    }
}

/// Printing and exiting in the documented way.
enum CLI {
    /// Writes `message` to stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("containerbench: \(message)\n".utf8))
    }

    /// Writes `message` to stderr and exits with `status`.
    static func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
        error(message)
        return ExitCode(status.rawValue)
    }

    /// Maps an error to its exit status: input problems are usage errors, everything else infrastructure.
    static func status(for error: any Error) -> ExitStatus {
        if error is ConfigError { return .usageError }
        return .infrastructureError
    }

    /// Opens the history store, creating it when missing, mapping failure to an infrastructure error.
    static func openHistory(_ location: HistoryLocation) throws -> any HistoryStore {
        do {
            return try location.open()
        } catch {
            throw fail("\(error)", .infrastructureError)
        }
    }

    /// Connects to the engine `options` name, mapping failure to an infrastructure error.
    static func connectEngine(_ options: EngineOptions) async throws -> DockerEngine {
        let endpoint = try options.endpoint()
        do {
            let engine = try DockerEngine(endpoint: endpoint)
            try await engine.connect()
            return engine
        } catch {
            throw fail("\(error)", .infrastructureError)
        }
    }

    /// Whether stdout is a terminal (live progress) or a log (plain lines).
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
