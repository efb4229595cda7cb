import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline list`: the named baselines.
struct BaselineListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the baselines: name, created, runs, description.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let baselines = try HistoryInputs.guarded { try store.baselines() }
        guard !baselines.isEmpty else {
            print("no baselines; save one with `containerbench baseline save NAME`")
            return
        }
        let formatter = ISO8601DateFormatter()
        let table = TextTable(
            headers: ["NAME", "CREATED (UTC)", "RUNS", "DESCRIPTION"],
            rows: baselines.map {
                [$0.name, formatter.string(from: $0.createdAt), $0.runIDs.joined(separator: " "), $0.description]
            })
        print(table.render(), terminator: "")
    }
}
