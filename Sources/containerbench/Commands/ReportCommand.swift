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
            Without --output the report goes to stdout (no plots). --format cyclonedx writes a CycloneDX 1.5 \
            JSON SBOM of one image of the run (--service/--driver when it has several) from the inventory stored \
            with it; a run measured without --inventory has none, and then the image is read again through the \
            engine if it still exists. Exit codes: 0 written (whatever the run's verdict), 4 unknown run, \
            unreadable history, no inventory to be had or unwritable output, 64 bad flags (or no such image in \
            the run).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .customLong("run"), help: "The run: an id or 'latest'.")
    var runID: String = "latest"

    @Option(
        help: "md, json, junit, html, text, bencher, github-benchmark, openmetrics or cyclonedx.",
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

    @Option(help: "cyclonedx: the service whose image the SBOM is of (when the run has several).")
    var service: String?

    @Option(help: "cyclonedx: the driver whose image the SBOM is of (when the service has several).")
    var driver: String?

    func validate() throws {
        if format != .cyclonedx && (service != nil || driver != nil) {
            throw ValidationError("--service and --driver choose the image of --format cyclonedx only")
        }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let record = try HistoryInputs.run(runID, in: store)
        let loadedTargets = try HistoryInputs.guarded {
            targets == "none" ? nil : try TargetsLoader.load(path: targets)
        }
        var evaluation = try HistoryInputs.guarded { try store.evaluation(runID: record.id) }
        if evaluation == nil && format != .cyclonedx {
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
        let text: String
        if format == .cyclonedx {
            text = try await sbom(of: record)
        } else {
            let input = ReportInput(record: record, evaluation: judged, strict: strict, plots: plots)
            text = try HistoryInputs.guarded { try ReportRenderer.render(input, as: format) }
        }
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

    /// The CycloneDX SBOM of the chosen image: from the inventory stored with the run, else read again from the
    /// image through the engine (the run was measured without --inventory), stamped with the time of that read.
    private func sbom(of record: RunRecord) async throws -> String {
        var image: ImageRecord
        do {
            image = try CycloneDXReport.image(in: record, service: service, driver: driver)
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        var timestamp: Date?
        if image.inventory == nil {
            CLI.error(
                "note: run \(record.id) stored no inventory of \(image.service)/\(image.driver); reading image "
                    + "\(image.imageID.prefix(19)) again through the engine")
            let engine = try await CLI.connectEngine(engineOptions)
            guard await engine.hasImage(image.imageID) else {
                throw CLI.fail(
                    "image \(image.imageID) of \(image.service)/\(image.driver) no longer exists, and run \(record.id) "
                        + "stored no inventory of it: measure it again with `containerbench run --inventory`",
                    .infrastructureError)
            }
            do {
                image.inventory = try await ImageInventoryReader().read(image: image.imageID, engine: engine).inventory
            } catch {
                throw CLI.fail("cannot read the inventory of image \(image.imageID): \(error)", .infrastructureError)
            }
            timestamp = Date()
        }
        let report = CycloneDXReport(record: record, image: image, timestamp: timestamp)
        return try HistoryInputs.guarded { try report.render() }
    }
}
