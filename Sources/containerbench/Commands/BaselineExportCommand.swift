import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline export NAME`: the baseline as versioned JSON, to commit.
struct BaselineExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write baseline NAME as JSON (containerbench-baseline, version 1); '-' prints it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The baseline's name.")
    var name: String

    @Option(help: "The file to write (default: baselines/NAME.json; '-' for stdout).")
    var output: String?

    func validate() throws {
        try BaselineCommand.validate(name: name)
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let data = try HistoryInputs.guarded { try store.exportBaseline(name: name) }
        let path = output ?? "baselines/\(name).json"
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw CLI.fail("cannot write \(path): \(error); check the folder's permissions", .infrastructureError)
        }
        if !global.quiet { print("exported baseline \(name) to \(path)") }
    }
}
