import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench judge`: a stored run judged again against today's targets and a baseline, without measuring.
struct JudgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Judge a stored run again against today's budgets and a baseline, without measuring.",
        discussion: """
            For a release sign-off after a budget changed, or to see a run against another baseline. The budgets \
            come from --targets (default baselines/targets.yaml when it exists here, else the built-in ones); the \
            baseline (--baseline, default last) is made of the comparable runs before the judged one. Nothing is \
            measured, so a suspected regression cannot be confirmed in one sitting: it is judged by Holm at 1% over \
            the run's cells, and says so. The history keeps the run's own evaluation; the new judgement's reports \
            (md, json, junit, html) go to --results-dir/RUN-ID/judged-TIME/. Same outputs and exit codes as run: \
            0 pass, 1 budget breached, 2 regression, 3 inconclusive (--strict), 4 the run failed or the history \
            cannot be read, 64 bad flags or an unknown baseline.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The run: an id or 'latest'.")
    var runID: String = "latest"

    @Option(help: "The targets file; 'none' for no budgets.")
    var targets: String?

    @Option(help: "Regression baseline: none, last, last:N, run:ID, or a baseline name.")
    var baseline: BaselineSelection = .lastGood(BaselineSelection.defaultRuns)

    @Flag(help: "Inconclusive budgets and gates fail the judgement (exit 3).")
    var strict = false

    @Option(help: "Where the judgement's reports go (a folder per run and judgement is made inside).")
    var resultsDir: String = "results/runs"

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let record = try HistoryInputs.run(runID, in: store)
        let loaded: Targets?
        do {
            if let targets {
                loaded = targets == "none" ? nil : try TargetsLoader.load(path: targets)
            } else if FileManager.default.fileExists(atPath: RunCommand.defaultTargets) {
                loaded = try TargetsLoader.load(path: RunCommand.defaultTargets)
            } else {
                loaded = Targets.builtIn
                if !global.quiet {
                    CLI.error("no \(RunCommand.defaultTargets) here: judging against the built-in budgets")
                }
            }
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        let stamp = RunRecord.makeID().prefix(16)
        let directory = URL(fileURLWithPath: resultsDir).appendingPathComponent(record.id)
            .appendingPathComponent("judged-\(stamp)")
        let input: ReportInput
        do {
            input = try await JudgeSession(store: store, logger: global.makeLogger()).judge(
                record, targets: loaded, baseline: baseline, strict: strict, directory: directory)
        } catch {
            throw CLI.fail(error.message, error.status)
        }
        if !global.quiet {
            print(TerminalSummary(input).render())
            print("reports: \(directory.path)")
        }
        let verdict = input.verdict
        print("verdict: \(verdict) (exit \(verdict.rawValue)), run \(record.id) judged again")
        if verdict != .pass { throw ExitCode(verdict.rawValue) }
    }
}
