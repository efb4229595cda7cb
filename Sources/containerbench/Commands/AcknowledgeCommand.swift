import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench acknowledge`: records that a change of one metric is intended.
struct AcknowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acknowledge",
        abstract: "Record an intended change of a metric from a run on; the gate then reports it without failing.",
        discussion: """
            Later regression checks of that service × driver × metric show the change as 'regression \
            (acknowledged)' and exit 0 for it. Exit codes: 0 recorded, 4 unknown run or unreadable history, \
            64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The service.")
    var service: String

    @Option(help: "The driver.")
    var driver: String

    @Option(help: "The metric (startup_seconds, memory_peak_bytes, ...).", transform: HistoryInputs.metric)
    var metric: Metric

    @Option(name: .customLong("run"), help: "The first run with the intended change.")
    var runID: String

    @Option(help: "Why the change is fine.")
    var note: String

    func validate() throws {
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--note must say why the change is intended")
        }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let annotation = try HistoryInputs.guarded {
            try store.acknowledge(service: service, driver: driver, metric: metric, fromRun: runID, note: note)
        }
        if !global.quiet {
            print(
                "acknowledged \(annotation.metric.rawValue) of \(annotation.service)/\(annotation.driver) "
                    + "from run \(annotation.fromRunID): \(annotation.note)")
        }
    }
}
