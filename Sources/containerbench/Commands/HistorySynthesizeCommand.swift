import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history synthesize`: fills a history with jittered copies of one run, for the history
/// benchmark (`make history-bench`). Hidden: it is a measuring tool, not something a user's history needs.
struct HistorySynthesizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Fill a history with N jittered copies of one run (for benchmarks).",
        discussion: """
            Copies are an hour apart, the newest ending now; the newest --full-timelines keep their memory \
            timelines, older ones are thinned to --timeline-points as `gc --prune-history` leaves them. Without \
            --from, the run is a synthetic one shaped like a `make bench` of the default suite (about 14,000 \
            memory samples). Exit codes: 0 written, 4 a history cannot be read or written, 64 bad flags.
            """,
        shouldDisplay: false)

    @Option(help: "The history to fill (created when missing).")
    var to: String

    @Option(help: "How many copies.")
    var runs: Int

    @Option(help: "A history holding the run to copy (default: a synthetic default-suite run).")
    var from: String?

    @Option(name: .customLong("run"), help: "The run to copy from --from (default: its latest completed run).")
    var runID: String?

    @Option(help: "The newest copies that keep full memory timelines.")
    var fullTimelines: Int = RetentionPolicy.default.keepTimelines

    @Option(help: "Points older copies' timelines are thinned to.")
    var timelinePoints: Int = RetentionPolicy.default.timelinePoints

    @Option(help: "Then multiply the history by this factor in SQL (older clones of every run, for 100k histories).")
    var replicate: Int = 1

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
        if fullTimelines < 0 || timelinePoints < 2 {
            throw ValidationError("--full-timelines must be ≥ 0 and --timeline-points ≥ 2")
        }
    }

    func run() async throws {
        var template = HistorySynthesizer.defaultSuiteRun()
        var evaluation: Evaluation? = HistorySynthesizer.defaultEvaluation(for: template)
        if let from {
            let source = try HistoryInputs.guarded { try HistoryLocation.parse(from).open(mustExist: true) }
            template = try HistoryInputs.run(runID ?? "latest", in: source)
            evaluation = try HistoryInputs.guarded { try source.evaluation(runID: template.id) }
        }
        let store = try HistoryInputs.guarded { try HistoryLocation.parse(to).open() }
        guard let relational = store as? any RelationalHistoryStore else {
            throw CLI.fail("\(store.location) cannot take bulk loads", .infrastructureError)
        }
        let synthesizer = HistorySynthesizer(
            template: template, evaluation: evaluation, fullTimelines: fullTimelines, timelinePoints: timelinePoints)
        let started = Date()
        try HistoryInputs.guarded {
            try synthesizer.fill(relational, count: runs, batch: 100) { written in
                if written % 10_000 == 0 { CLI.error("\(written) of \(runs) runs written") }
            }
        }
        if replicate > 1 {
            try HistoryInputs.guarded { try HistorySynthesizer.replicate(relational, times: replicate) }
        }
        print(
            "wrote \(runs * replicate) copies of run \(template.id) to \(store.location) in "
                + String(format: "%.1f s", Date().timeIntervalSince(started)))
    }
}
