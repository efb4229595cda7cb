import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history`: list the history (the default), copy it between a file and a shared database.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List stored runs (the default), or copy a history between files and PostgreSQL databases.",
        subcommands: [
            HistoryListCommand.self, HistoryCopyCommand.self, HistorySynthesizeCommand.self, HistoryTimeCommand.self,
        ],
        defaultSubcommand: HistoryListCommand.self)
}
