import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline save NAME`: keeps the samples of runs under a name.
struct BaselineSaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save (or replace) baseline NAME from runs (default: the latest completed run).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The baseline's name.")
    var name: String

    @Option(name: .customLong("run"), help: "A run to include (repeatable; default: the latest completed run).")
    var runs: [String] = []

    @Option(help: "Why this baseline exists.")
    var description: String = ""

    func validate() throws {
        try BaselineCommand.validate(name: name)
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        var ids = runs
        if ids.isEmpty {
            let latest = try HistoryInputs.guarded { try store.latestRun(status: .completed, label: nil) }
            guard let latest else {
                throw CLI.fail(
                    "the history \(store.location) has no completed run to save as a baseline: pass --run ID",
                    .infrastructureError)
            }
            ids = [latest.id]
        }
        let baseline = try HistoryInputs.guarded {
            try store.saveBaseline(name: name, runIDs: ids, description: description)
        }
        if !global.quiet {
            print("saved baseline \(baseline.name) from run(s) \(baseline.runIDs.joined(separator: ", "))")
        }
    }
}
