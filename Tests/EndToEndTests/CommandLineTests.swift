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

    @Test("a suite whose scenario file escapes its context is exit 64, naming the file and field, touching nothing")
    func escapingSuiteIsAUsageError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("svc/Dockerfile", "FROM scratch\n")
        let host = try directory.write("host.txt", "precious\n")
        let suite = try directory.write(
            "suite.yaml",
            """
            version: 1
            services:
              - name: svc
                context: svc
                port: 8080
                health: {path: /health}
                drivers: {uv: {dockerfile: Dockerfile}}
                scenarios: {code_change: [../host.txt]}
            """)
        let result = try await Binary.run(
            ["run", "--suite", suite, "--history", directory.path + "/h.sqlite", "--scenarios", "code-change"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue, "\(result.output)\n\(result.error)")
        #expect(result.error.contains("\(suite):8: services[0].scenarios.code_change[0]"), "\(result.error)")
        #expect(result.error.contains("leaves the folder through '..'"), "\(result.error)")
        #expect(try String(contentsOfFile: host, encoding: .utf8) == "precious\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/h.sqlite"))
    }

    @Test func badFlagsAreUsageErrors() async throws {
        let result = try await Binary.run(["run", "--trials", "0"])
        #expect(result.exitCode == ExitStatus.usageError.rawValue)
        #expect(result.error.contains("The value '0' is invalid for '--trials"), "\(result.error)")
        #expect(result.error.contains("1-1000"), "the error shows the accepted range: \(result.error)")
    }
}
