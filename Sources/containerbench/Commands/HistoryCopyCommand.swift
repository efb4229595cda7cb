import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history copy --from A --to B`: moves runs, baselines and acknowledgements between histories.
struct HistoryCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every run, baseline and acknowledgement of one history into another (file or URL).",
        discussion: """
            Runs the target already holds are left as they are, so a second copy adds nothing; every copied run is \
            verified by its row counts in both histories. A baseline whose name the target already uses is kept \
            as the target has it. Either side may be a SQLite file or postgresql://USER@HOST[:PORT]/DATABASE \
            (a password is best given through CONTAINERBENCH_HISTORY-style environment, never echoed). \
            Exit codes: 0 copied (or nothing to copy), 4 a history cannot be read or written, or a copy does not \
            verify, 64 bad flags.
            """)

    @Option(help: "The history to copy from (must exist).")
    var from: String

    @Option(help: "The history to copy into (created when missing).")
    var to: String

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    func run() async throws {
        let source: any HistoryStore
        let target: any HistoryStore
        do {
            source = try HistoryLocation.parse(from).open(mustExist: true)
            target = try HistoryLocation.parse(to).open()
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
        let report = try HistoryInputs.guarded { try HistoryCopier(from: source, to: target).copy() }
        if !quiet { print(report.summary(from: source.location, to: target.location)) }
    }
}
