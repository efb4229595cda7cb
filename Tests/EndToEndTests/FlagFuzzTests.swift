import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Fuzzes every flag and argument of every command of the built binary: the commands and their flags are read
/// from the binary's own `--help`, so a flag added later is fuzzed too.
///
/// Each invocation runs in a scratch folder against an engine that does not exist (`DOCKER_HOST` and `--engine`
/// name sockets and ports nothing listens on), with a lock and a history of its own, so that nothing is measured
/// and nothing outside the folder is written. Could fail: an invocation that crashes (a signal, a Swift runtime
/// trap), hangs, exits outside the exit-code contract, refuses its input without saying why, or leaves a history
/// behind after a usage error.
@Suite("Flag fuzzing (the built binary)", .serialized)
struct FlagFuzzTests {
    /// The exit codes of the contract (docs/commands.md).
    static let contract: Set<Int32> = [0, 1, 2, 3, 4, 64]

    /// A command path (`["baseline", "save"]`) with the flags and arguments its help lists.
    struct Command: CustomStringConvertible {
        var path: [String]
        /// Flags that take a value (`--trials <trials>`), by name.
        var options: [String] = []
        /// Flags without a value (`--strict`, `--confirm/--no-confirm` gives both).
        var flags: [String] = []
        /// Positional arguments (`<run-a>`).
        var arguments: [String] = []
        /// The help text the flags were read from.
        var help = ""
        var description: String { path.joined(separator: " ") }
    }

    /// Flags the fuzzer sets itself or keeps to harmless values: the history, the engine and its credentials.
    static let pinned: Set<String> = ["--history", "--help", "--version", "--engine"]

    /// Values for every flag: numbers at and beyond every edge, durations and sizes with and without units,
    /// names, paths inside the scratch folder or unreadable, malformed pairs, and text that is not ASCII.
    static let values: [String] = [
        "", " ", "0", "1", "2", "3", "-1", "-0", "1.5", "0.001", "1e19", "1e-300", "-1e308", "1e309", "nan", "NaN",
        "inf", "-inf", "+5", "0x10", "007", "18446744073709551616", "9223372036854775807", "1_000", "1,5",
        "65535", "65536", "8000", "1000", "1001", "auto", "Auto", "none", "last", "last:0", "last:-3", "last:abc",
        "run:", "run:nope", "latest", "5ms", "1e10s", "-1s", "s", "0s", "1h", "2m", "100ms", "1.5.2s", "2GB",
        "1e19GB", "0B", "-1MB", "GB", "12XB", "512MiB", "json", "table", "md", "html", "junit", "bencher",
        "openmetrics", "cyclonedx", "startup_seconds", "memory_peak_bytes", "not_a_metric", "uv", "pip", "fixture",
        "KEY=VALUE", "=", "K=", "=V", "K", "A=B=C", "python:3.12=local", "cold", "cold,warm", "cold,,warm", "tepid",
        "nightly", "Nightly!", "../escape", "a/b", "--", "-", "--strict", "-v", "2026-01-31", "2026-13-45",
        "2026-01-31T12:00:00Z", "yesterday", "/", "/dev/null", "/nonexistent/file.yaml", "/proc/version",
        "missing.yaml", "scratch-dir", "x.sqlite", "postgres://user:secret@127.0.0.1:1/db", "ünïcødé",
        "名前", "\u{202E}txt", "a\tb", "line\nbreak", String(repeating: "x", count: 5000), "error", "warn", "off",
        "root-user=warn", "no-such-check=off",
    ]

    /// Engines nothing answers on: a missing socket, a closed loopback port, a bad scheme.
    static let engines = [
        "unix:///nonexistent/engine.sock", "tcp://127.0.0.1:1", "ssh://", "bogus://x", "", "unix://",
        "tcp://127.0.0.1:99999",
    ]

    /// Every command path and its flags, read from `--help`.
    static func discover() async throws -> [Command] {
        var found: [Command] = []
        var queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            let help = try await Binary.run(path + ["--help"])
            var command = Command(path: path, help: help.output)
            var section = ""
            for line in help.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                if line.hasSuffix(":") && !line.hasPrefix(" ") {
                    section = line
                    continue
                }
                guard line.hasPrefix("  "), !line.hasPrefix("   ") || section == "" else { continue }
                let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
                guard let first = words.first else { continue }
                switch section {
                case "SUBCOMMANDS:":
                    if first.first?.isLowercase == true, first != "help" { queue.append(path + [first]) }
                case "ARGUMENTS:":
                    if first.hasPrefix("<") { command.arguments.append(first) }
                case _ where !section.isEmpty:
                    // An option group's title is its section ("OPTIONS:", "WHAT BOTH VARIANTS SHARE:").
                    guard let at = words.firstIndex(where: { $0.hasPrefix("--") }) else { continue }
                    let spelled = words[at]
                    let takesValue = at + 1 < words.count && words[at + 1].hasPrefix("<")
                    for name in spelled.split(separator: "/").map(String.init) where name.hasPrefix("--") {
                        if takesValue { command.options.append(name) } else { command.flags.append(name) }
                    }
                default: continue
                }
            }
            if !path.isEmpty && (help.output.contains("USAGE:")) { found.append(command) }
        }
        return found
    }

    /// One invocation of `command` drawn from `generator`: 1 to 4 flags with values, maybe some arguments.
    static func invocation(_ command: Command, generator: inout SeededGenerator) -> [String] {
        var arguments = command.path
        for _ in 0..<Int(generator.nextIndex(below: 3)) where !command.arguments.isEmpty || generator.nextUnit() < 0.2 {
            arguments.append(values[generator.nextIndex(below: values.count)])
        }
        let choices = command.options.filter { !pinned.contains($0) } + command.flags.filter { !pinned.contains($0) }
        for _ in 0..<(1 + generator.nextIndex(below: 4)) where !choices.isEmpty {
            let flag = choices[generator.nextIndex(below: choices.count)]
            arguments.append(flag)
            if command.options.contains(flag) { arguments.append(values[generator.nextIndex(below: values.count)]) }
        }
        if command.options.contains("--engine") {
            arguments += ["--engine", engines[generator.nextIndex(below: engines.count)]]
        }
        // Bounded work for the simulation, unless the fuzzer chose these flags (its numbers are small or invalid).
        if command.path == ["simulate"] {
            for flag in ["--nights", "--power-nights", "--replications"] where !arguments.contains(flag) {
                arguments += [flag, "2"]
            }
        }
        return arguments
    }

    @Test("every command's flags, fuzzed: no crash, no hang, codes of the contract, reasons for refusals")
    func fuzzEveryFlag() async throws {
        let commands = try await Self.discover()
        let names = Set(commands.map(\.description))
        for expected in ["run", "ab", "judge", "history", "compare", "baseline save", "report", "plot", "simulate"] {
            #expect(names.contains(expected), "help lists no '\(expected)': \(names.sorted())")
        }
        #expect(commands.first { $0.path == ["run"] }.map { $0.options.contains("--trials") } == true)
        // Help is prose: a stray line-continuation backslash (an escaping slip in a discussion) shows as " \".
        for command in commands {
            #expect(!command.help.contains(" \\"), "\(command) --help shows a backslash:\n\(command.help)")
        }

        var generator = SeededGenerator(label: "flag-fuzz")
        var failures: [String] = []
        var codes: [Int32: Int] = [:]
        let perCommand = 24
        for command in commands {
            for case_ in 0..<perCommand {
                // The invocation works in scratch/work, so that "../x" stays inside the scratch folder too.
                let scratch = try TemporaryDirectory("cb-fuzz")
                defer { scratch.remove() }
                try FileManager.default.createDirectory(
                    atPath: scratch.path + "/work", withIntermediateDirectories: true)
                let history = scratch.path + "/history.sqlite"
                var arguments = Self.invocation(command, generator: &generator)
                if command.options.contains("--history") { arguments += ["--history", history] }
                let result = try await ProcessRunner.run(
                    "/usr/bin/timeout", ["-s", "KILL", "60", Binary.path] + arguments,
                    environment: [
                        "DOCKER_HOST": "unix:///nonexistent/engine.sock", "CONTAINERBENCH_LOCK": scratch.path + "/lock",
                        "HOME": scratch.path,
                    ], workingDirectory: scratch.path + "/work")
                codes[result.exitCode, default: 0] += 1
                let shown = "\(command) #\(case_): \(arguments.map { $0.count > 60 ? "\($0.prefix(60))…" : $0 })"
                if !Self.contract.contains(result.exitCode) {
                    failures.append("\(shown): exit \(result.exitCode)\n\(result.error.suffix(600))")
                } else if result.error.contains("Fatal error") || result.error.contains("runtime failure") {
                    failures.append("\(shown): trapped\n\(result.error.suffix(600))")
                } else if result.exitCode == 64 && result.error.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                {
                    failures.append("\(shown): usage error without a message")
                } else if result.exitCode == 64 && FileManager.default.fileExists(atPath: history) {
                    failures.append("\(shown): a usage error left a history behind")
                }
            }
        }
        print(
            "flag fuzz: \(commands.count) commands × \(perCommand) invocations; exit codes \(codes.sorted { $0.key < $1.key })"
        )
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(15).joined(separator: "\n\n"))")
        // Most draws carry a bad value: usage errors must dominate, and the unreachable engine must show up.
        #expect((codes[64] ?? 0) > commands.count * perCommand / 3, "\(codes)")
        #expect((codes[4] ?? 0) > 0, "\(codes)")
    }

    /// Typed flags with values that parse as numbers but mean nothing: each is a usage error that names the flag.
    @Test(
        "typed flags refuse values beyond their range, naming the flag",
        arguments: [
            ["run", "--memory-limit", "1e19GB"], ["run", "--memory-limit", "0B"], ["run", "--cpus", "inf"],
            ["run", "--cpus", "nan"], ["run", "--cpus", "0"], ["run", "--health-interval", "1e10s"],
            ["run", "--health-interval", "-1s"], ["run", "--ready-timeout", "nan"], ["run", "--memory-window", "-1"],
            ["run", "--trials", "1001"], ["run", "--trials", "1e3"], ["run", "--build-repeats", "0"],
            ["run", "--keep-images", "-1"], ["run", "--time-budget", "0s"], ["run", "--port", "65536"],
            ["run", "--health-status", "99"], ["run", "--scenarios", "tepid"], ["run", "--baseline", "last:0"],
            ["ab", "--trials", "0"], ["ab", "--port", "0"], ["history", "--limit", "-1"],
            ["history", "--since", "2026-13-45"], ["history", "--metric", "not_a_metric"],
            ["report", "--format", "pdf"], ["simulate", "--nights", "0"], ["simulate", "--drift-correlation", "1.5"],
            ["simulate", "--drift-correlation", "nan"],
        ])
    func typedFlagsRefuseNonsense(arguments: [String]) async throws {
        let scratch = try TemporaryDirectory("cb-fuzz-typed")
        defer { scratch.remove() }
        let history = scratch.path + "/history.sqlite"
        let result = try await ProcessRunner.run(
            "/usr/bin/timeout", ["-s", "KILL", "60", Binary.path] + arguments + ["--history", history],
            environment: [
                "DOCKER_HOST": "unix:///nonexistent/engine.sock", "CONTAINERBENCH_LOCK": scratch.path + "/lock",
            ], workingDirectory: scratch.path)
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(arguments): \(result.exitCode) \(result.error)")
        #expect(result.error.contains(arguments[1]), "the message names \(arguments[1]): \(result.error)")
        #expect(!FileManager.default.fileExists(atPath: history))
    }
}
