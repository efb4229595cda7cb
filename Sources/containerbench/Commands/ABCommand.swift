import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench ab`: two Dockerfiles, or one Dockerfile at two git refs, measured interleaved and judged.
struct ABCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "Measure two Dockerfiles (or one at two git refs) interleaved; judge B against A.",
        discussion: """
            ab --dockerfile A --dockerfile B [--context DIR] --port P [--health-path /health] [--trials N]
            ab --dockerfile PATH --ref main --ref HEAD --port P
            Both variants are built cold and started alternately (A B, B A, ...) in one run, stored in the history \
            with label 'ab' (drivers 'a' and 'b'). For each metric: A's and B's medians, the ratio B/A with its 95% \
            bootstrap interval, the Mann-Whitney p-value (and its Benjamini-Hochberg adjustment) and the regression \
            gate's verdict with A as the baseline. With --ref, each ref's tree is extracted with `git archive` into \
            a temporary folder and built from there. Base images the Dockerfiles name are mapped to local ones as \
            in --suite (benchmarks/suite.yaml) when that file exists. A Mann-Whitney test needs at least 4 trials \
            per side to find anything at all; 5 or more is better. Exit codes: 0 no regression, 2 B regresses, \
            4 a build or trial failed, or the engine or history failed, 64 bad flags or inputs, 130 interrupted.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .customLong("dockerfile"), help: "A Dockerfile: twice (A then B), or once with two --ref.")
    var dockerfiles: [String] = []

    @Option(name: .customLong("ref"), help: "A git ref of the Dockerfile's repository: twice (A then B).")
    var refs: [String] = []

    @Option(help: "The build context (default: the Dockerfile's folder); with --ref, a folder of the work tree.")
    var context: String?

    @Option(help: "The port the service listens on (host network).")
    var port: Int

    @Option(help: "The path that answers 2xx when the service is ready.")
    var healthPath: String = "/health"

    @Option(help: "Startup trials per variant.")
    var trials: Int = 5

    @Option(help: "Seconds of memory sampling after ready.")
    var memoryWindow: Double = 2

    @Option(help: "Seconds to wait for ready before a trial fails.")
    var readyTimeout: Double = 60

    @Option(name: .customLong("env"), help: "KEY=VALUE set in both variants' containers (repeatable).")
    var environment: [String] = []

    @Option(help: "The service name in the history and the image tags.")
    var name: String = "ab"

    @Option(help: "The label the run is stored with.")
    var label: String = "ab"

    @Option(help: "The suite file whose base_images map is used (ignored when missing).")
    var suite: String = "benchmarks/suite.yaml"

    @Flag(help: "Print the comparison as JSON (containerbench.ab/v1) instead of a table.")
    var json = false

    func validate() throws {
        switch (dockerfiles.count, refs.count) {
        case (2, 0), (1, 2): break
        case (1, 0): throw ValidationError("give a second --dockerfile, or two --ref to compare one Dockerfile")
        default:
            throw ValidationError(
                "give two --dockerfile (A then B), or one --dockerfile and two --ref; got \(dockerfiles.count) "
                    + "Dockerfile(s) and \(refs.count) ref(s)")
        }
        if !(1...65535).contains(port) { throw ValidationError("--port must be from 1 to 65535, got \(port)") }
        if !(1...1000).contains(trials) { throw ValidationError("--trials must be from 1 to 1000, got \(trials)") }
        if memoryWindow < 0 || readyTimeout <= 0 {
            throw ValidationError("--memory-window must be ≥ 0 and --ready-timeout > 0")
        }
        for pair in environment where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--env '\(pair)' is not KEY=VALUE")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-ab-\(UUID())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Inputs first (files, refs, names): a bad input is a usage error before the engine is touched.
        let request: ABRequest
        do {
            request = try await makeRequest(scratch: scratch)
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        let printer = ProgressPrinter(quiet: global.quiet || json, terminal: CLI.stdoutIsTerminal)
        let outcome: ABRunner.Result
        let endpoint = try engineOptions.endpoint()
        do {
            let opened = try await MeasuringSession.open(
                endpoint: endpoint, historyPath: global.history, logger: logger)
            let runner = ABRunner(session: opened.runSession(logger: logger, progress: { printer($0) }))
            let control = RunControl()
            let trap = SignalTrap { signal in
                CLI.error("signal \(signal): stopping after the current step; containers are being removed")
                control.cancel()
            }
            defer { withExtendedLifetime((opened.lock, trap)) {} }
            outcome = try await runner.run(request, control: control)
        } catch {
            throw CLI.fail(error.message, error.status)
        }
        let (record, report) = (outcome.record, outcome.report)
        if json {
            print(try HistoryInputs.guarded { try report.renderJSON() }, terminator: "")
        } else {
            print(report.renderTable(showPairs: false), terminator: "")
        }
        switch record.status {
        case .completed:
            if report.exitStatus != .pass { throw ExitCode(report.exitStatus.rawValue) }
        case .interrupted:
            throw CLI.fail("interrupted; what ran is stored as run \(record.id)", .interrupted)
        case .failed, .running:
            throw CLI.fail(
                "run \(record.id) failed, so the comparison cannot be trusted:\n"
                    + record.errors.joined(separator: "\n"), .infrastructureError)
        }
    }

    /// The two variants, from two Dockerfiles or from one Dockerfile at two refs.
    private func makeRequest(scratch: URL) async throws -> ABRequest {
        let a: ABVariant
        let b: ABVariant
        if refs.isEmpty {
            a = try ABVariant(dockerfile: dockerfiles[0], context: context)
            b = try ABVariant(dockerfile: dockerfiles[1], context: context)
        } else {
            var variants: [ABVariant] = []
            for (ref, folder) in zip(refs, ["a", "b"]) {
                let (snapshot, root) = try await GitSnapshot.extract(
                    ref: ref, repositoryOf: dockerfiles[0], into: scratch, name: folder)
                let file = try snapshot.locate(dockerfiles[0], workTreeRoot: root)
                let contextFolder = try context.map { try snapshot.locate($0, workTreeRoot: root) }
                variants.append(
                    try ABVariant(
                        dockerfile: file.path, context: contextFolder?.path,
                        source: "\(dockerfiles[0])@\(ref) (\(snapshot.commit.prefix(12)))"))
            }
            a = variants[0]
            b = variants[1]
        }
        var baseImages: [String: String] = [:]
        if FileManager.default.fileExists(atPath: suite) {
            baseImages = try SuiteLoader.load(path: suite).baseImages
        }
        var env: [String: String] = [:]
        for pair in environment {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            env[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return try ABRequest(
            a: a, b: b, name: name, port: port, healthPath: healthPath, trials: trials, memoryWindow: memoryWindow,
            readyTimeout: readyTimeout, environment: env, baseImages: baseImages, label: label)
    }
}
