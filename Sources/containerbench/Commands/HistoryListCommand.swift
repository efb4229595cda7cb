import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history [list]`: the runs in the history, or one metric's per-run medians.
struct HistoryListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List stored runs, newest first, or with --metric that metric's per-run medians.",
        discussion: """
            Without --metric: one line per run (id, start, status, label, trials, failed trials, service/driver \
            pairs, git commit). With --metric: one line per completed run × service × driver with the median of \
            that metric. --format json prints the same as versioned JSON (schema containerbench.history/v1). \
            The table shows the newest 100 runs unless --limit or --all says otherwise (and says how many it left \
            out). Exit codes: 0 listed (also when nothing matches), 4 the history cannot be read, 64 bad flags.
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

    @Option(help: "At most this many runs (default 100 in a table, all in JSON).")
    var limit: Int?

    @Flag(help: "Every matching run, however many.")
    var all = false

    /// The table's default: a terminal shows the newest runs; JSON is for programs and gets all unless limited.
    static let defaultTableLimit = 100

    @Option(help: "table or json.")
    var format: HistoryInputs.Format = .table

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if all && limit != nil { throw ValidationError("--all and --limit exclude each other") }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let shown = all ? nil : (limit ?? (format == .table ? Self.defaultTableLimit : nil))
        let filter = RunFilter(
            service: service, driver: driver, label: label, status: status, since: since, limit: shown)
        let listing = try HistoryInputs.guarded {
            try store.listing(filter: filter, metric: metric)
        }
        switch format {
        case .table:
            print(listing.renderTable(), terminator: "")
            if metric == nil, limit == nil, let shown, listing.runs.count == shown {
                var unlimited = filter
                unlimited.limit = nil
                let total = try HistoryInputs.guarded { try store.countRuns(filter: unlimited) }
                if total > shown {
                    CLI.error("showing the newest \(shown) of \(total) runs; --limit N or --all for more")
                }
            }
        case .json: print(try HistoryInputs.guarded { try listing.renderJSON() }, terminator: "")
        }
    }
}
