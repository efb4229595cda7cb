import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench report`: renders a stored run's report again, in any format.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a stored run's report or export from the history (see --format).",
        discussion: """
            Uses the evaluation stored with the run (budgets, regressions, policy). For md and html written to a \
            file, the run's plots are rendered again into the file's folder (md links them, html inlines them). \
            Without --output the report goes to stdout (no plots). Exit codes: 0 written (whatever the run's \
            verdict), 4 unknown run, unreadable history or unwritable output, 64 bad flags.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("run"), help: "The run: an id or 'latest'.")
    var runID: String = "latest"

    @Option(
        help: "md, json, junit, html, text, bencher, github-benchmark or openmetrics.",
        transform: { text in
            do {
                return try ReportFormat.named(text)
            } catch {
                throw ValidationError("\(error)")
            }
        })
    var format: ReportFormat = .markdown

    @Option(help: "The file to write (default: stdout).")
    var output: String?

    @Option(help: "A targets file, for the budget lines of the trend plots ('none' for none).")
    var targets: String = "none"

    @Flag(help: "Judge inconclusive results as failures in the report's verdict (like run --strict).")
    var strict = false

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let record = try HistoryInputs.run(runID, in: store)
        let loadedTargets = try HistoryInputs.guarded {
            targets == "none" ? nil : try TargetsLoader.load(path: targets)
        }
        var evaluation = try HistoryInputs.guarded { try store.evaluation(runID: record.id) }
        if evaluation == nil {
            CLI.error("note: run \(record.id) was stored without an evaluation; the report has no verdicts")
        }
        let judged = evaluation ?? Evaluation(runID: record.id)
        evaluation = judged
        var plots: [ReportPlot] = []
        if let output, format == .markdown || format == .html {
            let directory = URL(fileURLWithPath: output).deletingLastPathComponent()
            let rendered = await ArtifactStage(logger: global.makeLogger()).plots(
                for: record, store: store, targets: loadedTargets, directory: directory)
            plots = rendered.compactMap { try? ReportPlot(rendered: $0, reportDirectory: directory) }
        }
        let input = ReportInput(record: record, evaluation: judged, strict: strict, plots: plots)
        let text = try HistoryInputs.guarded { try ReportRenderer.render(input, as: format) }
        guard let output else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        do {
            try ArtifactStage.write(text, to: URL(fileURLWithPath: output))
        } catch {
            throw CLI.fail("cannot write the report to \(output): \(error)", .infrastructureError)
        }
        if !global.quiet {
            print("wrote \(format.rawValue) report of run \(record.id) to \(output)")
            if !plots.isEmpty {
                print("with \(plots.count) plot(s) in \(URL(fileURLWithPath: output).deletingLastPathComponent().path)")
            }
        }
    }
}
