import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline`: named reference samples for the regression gate (`run --baseline NAME`).
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Save, list, export, import and delete named baselines.",
        discussion: """
            A baseline is a copy of the metric samples of one or more runs, kept even when the runs are deleted. \
            Export it to baselines/NAME.json to review it in git; import it on another machine. Exit codes: 0 done, \
            4 unknown run or baseline, unreadable file or history, 64 bad flags.
            """,
        subcommands: [
            BaselineSaveCommand.self, BaselineListCommand.self, BaselineExportCommand.self,
            BaselineImportCommand.self, BaselineDeleteCommand.self,
        ]
    )

    /// Rejects names that would not be safe as file names (`baselines/NAME.json`).
    static func validate(name: String) throws {
        guard Validation.isName(name) else {
            throw ValidationError("baseline name '\(name)' is not valid: lower-case letters, digits, '-', '_', '.'")
        }
    }
}
