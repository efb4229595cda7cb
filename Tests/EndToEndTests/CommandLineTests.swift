import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Runs the built `containerbench` binary and checks output and exit codes.
@Suite("Command line", .serialized)
struct CommandLineTests {
    @Test func versionAndHelp() async throws {
        let version = try await Binary.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.output.contains(ContainerBenchVersion.current))
        let help = try await Binary.run(["run", "--help"])
        #expect(help.exitCode == 0)
        #expect(help.output.contains("--dockerfile"))
    }

    @Test func badSuiteIsAUsageErrorNamingFileAndLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let suite = try directory.write("suite.yaml", "version: 1\nservices:\n  - name: x\n    context: missing\n")
        let result = try await Binary.run(
            ["run", "--suite", suite, "--history", directory.path + "/h.sqlite"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue)
        #expect(result.error.contains("\(suite):4: services[0].context"), "\(result.error)")
        #expect(
            !FileManager.default.fileExists(atPath: directory.path + "/h.sqlite"), "nothing is written on bad input")
    }

    @Test func badFlagsAreUsageErrors() async throws {
        let result = try await Binary.run(["run", "--trials", "0"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue)
        #expect(result.error.contains("The value '0' is invalid for '--trials"), "\(result.error)")
        #expect(result.error.contains("1-1000"), "the error shows the accepted range: \(result.error)")
    }
}
