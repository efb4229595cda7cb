import ArgumentParser
import ContainerBench

/// The `containerbench` command line: one subcommand per file under Commands/.
@main
struct ContainerBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "containerbench",
        abstract: "Benchmark and verify container images: build, startup, memory, size; budgets and regressions.",
        version: ContainerBenchVersion.current,
        subcommands: [
            RunCommand.self, ABCommand.self, JudgeCommand.self, HistoryCommand.self, CompareCommand.self,
            BaselineCommand.self,
            AcknowledgeCommand.self, ReportCommand.self, PlotCommand.self, DoctorCommand.self,
            BootstrapCommand.self, GCCommand.self, SimulateCommand.self,
        ]
    )
}
