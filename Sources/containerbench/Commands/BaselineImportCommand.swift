import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench baseline import FILE`: stores an exported baseline.
struct BaselineImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Store the baseline in FILE (from `baseline export`).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The baseline JSON file.")
    var file: String

    @Flag(help: "Replace a baseline of the same name.")
    var replace = false

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CLI.fail("cannot read the baseline file \(file): \(error)", .infrastructureError)
        }
        let store = try CLI.openHistory(try global.historyLocation())
        let baseline = try HistoryInputs.guarded { try store.importBaseline(data, source: file, replacing: replace) }
        if !global.quiet {
            print("imported baseline \(baseline.name) (\(baseline.runIDs.count) run(s)) from \(file)")
        }
    }
}
