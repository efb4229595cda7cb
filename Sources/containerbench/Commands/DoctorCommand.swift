import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench doctor`: checks every part a run needs, one line per check.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check the engine (Docker or Podman, local or remote), builder, cgroups, gnuplot, history and base images.",
        discussion: "Exits 0 when every required part is present, 4 when one is missing.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(help: "The suite whose base images to check.")
    var suite: String = "benchmarks/suite.yaml"

    func run() async throws {
        let checks = await Doctor.run(
            endpoint: try engineOptions.endpoint(), suitePath: suite,
            historyPath: global.history ?? ProcessInfo.processInfo.environment[
                HistoryLocation.environmentVariable] ?? HistoryLocation.defaultFile)
        for check in checks {
            let mark = check.ok ? "ok  " : (check.required ? "FAIL" : "warn")
            print("\(mark) \(check.name): \(check.detail)")
        }
        if checks.contains(where: { !$0.ok && $0.required }) {
            throw ExitCode(ExitStatus.infrastructureError.rawValue)
        }
    }
}
