import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline delete NAME`.
struct BaselineDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete baseline NAME (its runs stay in the history).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The baseline's name.")
    var name: String

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let existed = try HistoryInputs.guarded { try store.deleteBaseline(name: name) }
        guard existed else {
            throw CLI.fail(
                "\(HistoryError(.baselineNotFound, path: store.location, detail: name))", .infrastructureError)
        }
        if !global.quiet { print("deleted baseline \(name)") }
    }
}
