import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench gc`: removes what runs left behind (after `kill -9`), or with `--prune-history` bounds the
/// history's growth.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove containers (and with --images, images) that containerbench runs left behind; with "
            + "--prune-history, thin old memory timelines instead.",
        discussion: """
            Every container and image containerbench creates carries the label io.containerbench.managed=1, its \
            run id, its runner (io.containerbench.runner: this host and engine endpoint, or CONTAINERBENCH_RUNNER) \
            and the pid of the process that made it. gc removes this runner's containers whose process is gone (all \
            of them with --all) and, on a shared engine, another runner's only once they are older than --lease \
            (engine clock), so a live run elsewhere is never touched.

            With --prune-history (no engine needed): the memory timelines of all but the newest --keep-timelines \
            runs (and of the runs a baseline names) are thinned to --timeline-points points each, peaks kept \
            (0 drops them), then the space is reclaimed (VACUUM) unless --no-vacuum. Per-trial summaries and \
            every metric sample are kept forever. Nightly jobs run it after `run`. Exit codes: 0 done, 4 the \
            history cannot be read or written, 64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Flag(help: "Also remove containers whose creating process is still alive.")
    var all = false

    @Flag(help: "Also remove the images containerbench built.")
    var images = false

    @Option(
        help: ArgumentHelp(
            "Another runner's containers and images (and unlabelled ones) older than this are taken for abandoned "
                + "(0: all of them).", valueName: "duration"))
    var lease = DurationArgument(seconds: GarbageCollector.defaultLease)

    @Flag(help: "Thin old memory timelines in the history (--history) instead of removing containers.")
    var pruneHistory = false

    @Option(help: "With --prune-history: the newest runs whose timelines stay complete.")
    var keepTimelines: Int = RetentionPolicy.default.keepTimelines

    @Option(help: "With --prune-history: points each older timeline keeps (0 drops them).")
    var timelinePoints: Int = RetentionPolicy.default.timelinePoints

    @Flag(help: "With --prune-history: do not VACUUM afterwards.")
    var noVacuum = false

    func validate() throws {
        if keepTimelines < 0 { throw ValidationError("--keep-timelines must be at least 0, got \(keepTimelines)") }
        if timelinePoints < 0 || timelinePoints == 1 {
            throw ValidationError("--timeline-points must be 0 (drop) or at least 2, got \(timelinePoints)")
        }
        try lease.check("--lease", within: 0...(10 * 365 * 86400))
        if pruneHistory && (all || images) {
            throw ValidationError("--prune-history works on the history only: leave out --all and --images")
        }
    }

    func run() async throws {
        if pruneHistory {
            try pruneTheHistory()
            return
        }
        let engine = try await CLI.connectEngine(engineOptions)
        do {
            let collector = GarbageCollector(engine: engine, lease: lease.seconds)
            let removed = try await collector.collect(includeLive: all, images: images)
            if !global.quiet {
                var line = "removed \(removed.containers.count) container(s), \(removed.images.count) image(s)"
                if removed.spared > 0 {
                    line +=
                        "; left \(removed.spared) of other runners younger than --lease \(DurationArgument.format(lease.seconds))"
                }
                print(line + " (runner \(collector.runner))")
                for id in removed.containers { print("  container \(id.prefix(12))") }
                for id in removed.images { print("  image \(id)") }
            }
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }

    private func pruneTheHistory() throws {
        let store = try HistoryInputs.openExisting(global)
        let policy = RetentionPolicy(keepTimelines: keepTimelines, timelinePoints: timelinePoints, vacuum: !noVacuum)
        let report = try HistoryInputs.guarded { try store.applyRetention(policy) }
        guard !global.quiet else { return }
        func size(_ bytes: Int64?) -> String { bytes.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "?" }
        print(
            "kept the timelines of \(report.keptRuns) run(s); thinned \(report.thinnedTimelines) and dropped "
                + "\(report.droppedTimelines) trial timeline(s) in \(store.location); size \(size(report.bytesBefore)) → "
                + "\(size(report.bytesAfter))")
    }
}
