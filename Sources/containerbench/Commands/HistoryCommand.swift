import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history`: the runs in the history, or one metric's per-run medians.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List stored runs, newest first, or with --metric that metric's per-run medians.",
        discussion: """
            Without --metric: one line per run (id, start, status, label, trials, failed trials, service/driver \
            pairs, git commit). With --metric: one line per completed run × service × driver with the median of \
            that metric. --format json prints the same as versioned JSON (schema containerbench.history/v1). \
            Exit codes: 0 listed (also when nothing matches), 4 the history cannot be read, 64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only runs that measured this service.")
    var service: String?

    @Option(help: "Only runs that used this driver.")
    var driver: String?

    @Option(
        help: "List this metric's per-run medians (startup_seconds, memory_peak_bytes, ...).",
        transform: HistoryInputs.metric)
    var metric: Metric?

    @Option(
        help: "Only runs started on or after this date (2026-01-31 or 2026-01-31T12:00:00Z).",
        transform: HistoryInputs.date)
    var since: Date?

    @Option(help: "Only runs with this label.")
    var label: String?

    @Option(
        help: "Only runs that ended this way: completed, failed, interrupted, running.", transform: HistoryInputs.status
    )
    var status: RunStatus?

    @Option(help: "At most this many runs.")
    var limit: Int?

    @Option(help: "table or json.")
    var format: HistoryInputs.Format = .table

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global.history)
        let filter = RunFilter(
            service: service, driver: driver, label: label, status: status, since: since, limit: limit)
        let listing = try HistoryInputs.guarded {
            try store.listing(filter: filter, metric: metric)
        }
        switch format {
        case .table: print(listing.renderTable(), terminator: "")
        case .json: print(try HistoryInputs.guarded { try listing.renderJSON() }, terminator: "")
        }
    }
}
