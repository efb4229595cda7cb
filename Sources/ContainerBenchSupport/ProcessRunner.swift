import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// What a finished process returned. A non-zero exit is a normal result, not a throw.
public struct ProcessResult: Sendable {
    /// The exit code, or 128 + signal when it was killed.
    public var exitCode: Int32
    public var output: String
    public var error: String

    public var succeeded: Bool { exitCode == 0 }

    /// The last `count` lines of stdout and stderr together.
    public func tail(_ count: Int = 50) -> String {
        let lines = (output + (error.isEmpty ? "" : "\n" + error)).split(
            separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(count).joined(separator: "\n")
    }
}

/// A child process that did not finish within its time limit (it was stopped).
public struct ProcessTimeout: Error, Sendable, CustomStringConvertible {
    public var command: String
    public var seconds: Double
    public var description: String {
        "\(command) did not finish within \(Int(seconds.rounded())) s and was stopped (SIGTERM, then SIGKILL): it "
            + "stalled, or needs a longer limit"
    }
}

/// Runs programs with argument arrays (never through a shell). On task cancellation, and when a child outlives its
/// time limit, it gets SIGTERM, then SIGKILL after 5 s.
public enum ProcessRunner {
    /// The limit of a child that states none: half an hour (a cold build of the heaviest workload takes minutes).
    public static let defaultTimeout: Double = 1800

    /// Runs `executable` (an absolute path, or a name looked up on PATH) to completion.
    /// - Parameters:
    ///   - environment: variables added to (or replacing) the inherited environment.
    ///   - combineOutput: merge stderr into stdout (build logs interleave both).
    ///   - timeout: seconds the child may take; then it is stopped and `ProcessTimeout` thrown.
    /// - Throws: when the program cannot be started (not found, not executable), output exceeds the limit, or the
    ///   time limit passes (`ProcessTimeout`, naming the program).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        workingDirectory: String? = nil, combineOutput: Bool = false, outputLimit: Int = 64 * 1024 * 1024,
        timeout: Double = ProcessRunner.defaultTimeout
    ) async throws -> ProcessResult {
        let command = ([URL(fileURLWithPath: executable).lastPathComponent] + arguments.prefix(2)).joined(
            separator: " ")
        return try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
            group.addTask {
                try await runToEnd(
                    executable, arguments, environment: environment, workingDirectory: workingDirectory,
                    combineOutput: combineOutput, outputLimit: outputLimit)
            }
            group.addTask {
                try await Task.sleep(for: .seconds(max(0.001, min(timeout, 1e9))))
                return nil
            }
            // The first to finish decides; the other is cancelled (a running child is then torn down).
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw ProcessTimeout(command: command, seconds: timeout) }
            return first
        }
    }

    private static func runToEnd(
        _ executable: String, _ arguments: [String], environment: [String: String], workingDirectory: String?,
        combineOutput: Bool, outputLimit: Int
    ) async throws -> ProcessResult {
        let program: Executable = executable.hasPrefix("/") ? .path(FilePath(executable)) : .name(executable)
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]
        let directory = workingDirectory.map { FilePath($0) }
        if combineOutput {
            let result = try await Subprocess.run(
                program, arguments: Arguments(arguments), environment: .inherit.updating(updates),
                workingDirectory: directory, platformOptions: options, output: .string(limit: outputLimit),
                error: .combinedWithOutput)
            return ProcessResult(
                exitCode: code(result.terminationStatus), output: result.standardOutput, error: "")
        }
        let result = try await Subprocess.run(
            program, arguments: Arguments(arguments), environment: .inherit.updating(updates),
            workingDirectory: directory, platformOptions: options, output: .string(limit: outputLimit),
            error: .string(limit: outputLimit))
        return ProcessResult(
            exitCode: code(result.terminationStatus), output: result.standardOutput,
            error: result.standardError)
    }

    /// The full path of `name` on PATH, or nil.
    public static func which(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func code(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return Int32(code)
        case .signaled(let signal): return 128 + Int32(signal)
        }
    }
}
