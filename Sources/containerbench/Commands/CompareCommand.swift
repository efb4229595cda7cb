import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench compare RUN_A RUN_B`: the regression gate between two stored runs.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Judge run B against run A (the baseline) with the regression gate.",
        discussion: """
            For every service × driver × metric measured in both runs: the medians, the ratio B/A with the \
            screen's 95% interval (Welch t on the logs of the trials), its one-sided p-value, the smallest change \
            it could have seen, and the verdict (regression, improvement, unchanged, inconclusive). compare only \
            reads the history, so a suspected regression cannot be confirmed by an A/B: it is a regression only \
            when it stands Holm's correction at 1% family-wise over the compared cells and exceeds the metric's \
            absolute noise floor (image size: more than 1 MiB). Acknowledged changes are shown but do not fail. \
            RUN may be a run id or 'latest'. Where both runs read a service × driver's inventory (run --inventory), \
            what run B's image adds over run A's is listed under the table: Python distributions and Debian \
            packages added, removed or changed, largest byte change first. --format json prints \
            containerbench.compare/v2. \
            Exit codes: 0 no regression, 2 regression, 3 a cell undecided (--strict), 4 a run is unknown or the \
            history cannot be read, 64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The baseline run (id or 'latest').")
    var runA: String

    @Argument(help: "The run judged against it (id or 'latest').")
    var runB: String

    @Option(help: "table or json.")
    var format: HistoryInputs.Format = .table

    @Flag(help: "Exit 3 (inconclusive) when a cell is undecided, instead of 0.")
    var strict = false

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let baseline = try HistoryInputs.run(runA, in: store)
        let current = try HistoryInputs.run(runB, in: store)
        // Stored runs cannot be measured again: suspicions are settled by Holm, never by an A/B (nor left open).
        var policy = VerdictPolicy.standard
        policy.confirms = false
        let evaluation = try HistoryInputs.guarded {
            try RunAnalysis(policy: policy).evaluate(
                current, targets: nil, policy: [], store: store, baseline: BaselineSelection.run(baseline.id))
        }
        let report = ComparisonReport(
            schema: ComparisonReport.compareSchema,
            baseline: .init(name: "A", source: Self.describe(baseline), runID: baseline.id),
            current: .init(name: "B", source: Self.describe(current), runID: current.id),
            findings: evaluation.regressions,
            inventory: InventoryComparison.pairs(baseline: baseline.images, current: current.images), strict: strict)
        if baseline.environment.comparabilityKey != current.environment.comparabilityKey {
            CLI.error(
                "note: the runs were measured on different machines or engine settings (fingerprint "
                    + "\(baseline.environment.comparabilityKey) vs \(current.environment.comparabilityKey)); "
                    + "differences may not be the image's")
        }
        switch format {
        case .table:
            print(report.renderTable(), terminator: "")
            for run in [baseline, current] where run.status != .completed {
                CLI.error("note: run \(run.id) is \(run.status.rawValue); its figures may be incomplete")
            }
        case .json:
            print(try HistoryInputs.guarded { try report.renderJSON() }, terminator: "")
        }
        if report.exitStatus != .pass { throw ExitCode(report.exitStatus.rawValue) }
    }

    /// "run ID (label, started ..., status)".
    static func describe(_ run: RunRecord) -> String {
        let formatter = ISO8601DateFormatter()
        var parts = [formatter.string(from: run.startedAt), run.status.rawValue]
        if let label = run.label { parts.insert(label, at: 0) }
        return "\(run.suite) (\(parts.joined(separator: ", ")))"
    }
}
