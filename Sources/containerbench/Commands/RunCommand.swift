import ArgumentParser
import ContainerBench
import Foundation

extension PackageIndexMode: ExpressibleByArgument {}

/// `containerbench run`: build, measure, store, judge, report.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build each service with each driver, time startup, sample memory and size, judge and store.",
        discussion: """
            Measures the suite (default benchmarks/suite.yaml), or one Dockerfile given with --dockerfile. The run \
            is stored in the history in one transaction, judged against the targets and a baseline, and its plots \
            and reports are written under results/runs/RUN-ID/. Exit codes: 0 pass, 1 budget breached, 2 \
            regression, 3 inconclusive (--strict only), 4 infrastructure error, 64 usage error, 130 interrupted.
            With --confirm, a regression alert is checked once more: the alerted service × drivers are measured \
            again (same plan, restricted to them) against the same baseline, and an alert stands only when it \
            alerts again; the confirmation run is stored too, and the first run's warnings say what was confirmed \
            or dropped.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(help: "The suite file.")
    var suite: String = "benchmarks/suite.yaml"

    @Option(help: "The targets (budgets) file; 'none' to judge no budgets.")
    var targets: String = "baselines/targets.yaml"

    @Option(name: .customLong("service"), help: "Only these services (repeatable).")
    var services: [String] = []

    @Option(name: .customLong("driver"), help: "Only these drivers (repeatable).")
    var drivers: [String] = []

    @Option(help: "Trials per service × driver (overrides the suite).")
    var trials: Int?

    @Option(
        help: "Build scenarios, comma separated: cold, warm, code-change, deps-change.",
        transform: { text in
            try text.split(separator: ",").map { name in
                guard let scenario = BuildScenario(rawValue: String(name)) else {
                    throw ValidationError("unknown scenario '\(name)'; valid: cold, warm, code-change, deps-change")
                }
                return scenario
            }
        })
    var scenarios: [BuildScenario] = [.cold]

    @Option(help: "A label stored with the run (nightly, pr-123).")
    var label: String?

    @Option(help: "Regression baseline: none, last, last:N, run:ID, or a baseline name.")
    var baseline: BaselineSelection = .lastGood(5)

    @Flag(help: "Inconclusive budgets and gates fail the run (exit 3).")
    var strict = false

    @Flag(help: "On a regression alert, measure the alerted service × drivers again; keep only repeated alerts.")
    var confirm = false

    @Flag(help: "Drop the page cache before each trial (root).")
    var coldCache = false

    @Option(
        help: """
            Override the image's HEALTHCHECK interval in trials (e.g. 100ms) to time `healthy` finely; the check \
            then runs that often inside the starting container and perturbs startup and memory. Default: the \
            image's own interval.
            """)
    var healthInterval: DurationArgument?

    @Option(help: "Container memory limit (e.g. 2GB), from 6MB to 16TiB.")
    var memoryLimit: ByteSizeArgument?

    @Option(help: "Container CPU limit (e.g. 1.5), from 0.01 to 1024.")
    var cpus: CPUCountArgument?

    @Flag(
        inversion: .prefixedNo,
        help: "Measure each image's gzip size as a registry stores it (docker save + gzip -6 per layer).")
    var compressedSize = false

    @Option(
        help: ArgumentHelp(
            "Package index for the builds: pypi, or local (the locked wheels downloaded once into --wheel-cache and "
                + "served on 127.0.0.1, so an installer comparison measures the installers, not the network)."))
    var index: PackageIndexMode = .pypi

    @Option(help: "Where --index local keeps the downloaded wheels.")
    var wheelCache: String = "results/wheels"

    @Flag(help: "Skip the engine floor (a minimal container of the same base).")
    var noFloor = false

    @Option(help: "Where the run's plots and reports go (a folder named after the run is made inside).")
    var resultsDir: String = "results/runs"

    @Option(help: "Also write the Markdown report here (e.g. for a CI job summary).")
    var markdown: String?

    @Option(help: "Also write the JUnit XML report here.")
    var junit: String?

    @Option(help: "Also write the JSON report here.")
    var json: String?

    @Option(help: "Also write the HTML report here.")
    var html: String?

    // Ad hoc: one Dockerfile given by flags instead of a suite.
    @Option(help: "Measure this Dockerfile instead of the suite.")
    var dockerfile: String?

    @Option(help: "Build context for --dockerfile (default: its folder).")
    var context: String?

    @Option(help: "Port the service listens on (with --dockerfile).")
    var port: Int?

    @Option(help: "Health path (with --dockerfile).")
    var healthPath: String = "/health"

    @Option(help: "Service name (with --dockerfile).")
    var name: String = "adhoc"

    func validate() throws {
        if let trials, !(1...1000).contains(trials) {
            throw ValidationError("--trials must be from 1 to 1000, got \(trials)")
        }
        if dockerfile != nil && port == nil { throw ValidationError("--dockerfile needs --port") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be from 1 to 65535") }
        if let label, !Validation.isName(label) {
            throw ValidationError("--label '\(label)' is not valid: lower-case letters, digits, '-', '_', '.'")
        }
        if scenarios.isEmpty || scenarios.first != .cold && scenarios.contains(.cold) {
            throw ValidationError("--scenarios must start with cold when it includes it (cold empties the caches)")
        }
        try healthInterval?.check("--health-interval", within: 0.001...3600)
        try memoryLimit?.check("--memory-limit", within: 6_000_000...(16 << 40))
        try cpus?.check("--cpus", within: 0.01...1024)
    }

    func run() async throws {
        let logger = global.makeLogger()
        // Inputs first: a bad file is a usage error before anything runs.
        let request: RunRequest
        do {
            request = RunRequest(
                plan: try planStage().run(),
                targets: targets == "none" ? nil : try TargetsLoader.load(path: targets), baseline: baseline,
                confirm: confirm, strict: strict, resultsDirectory: URL(fileURLWithPath: resultsDir),
                extraReports: [(ReportFormat.markdown, markdown), (.junit, junit), (.json, json), (.html, html)]
                    .compactMap { format, path in path.map { (format, URL(fileURLWithPath: $0)) } })
        } catch {
            throw CLI.fail("\(error)", CLI.status(for: error))
        }
        let printer = ProgressPrinter(quiet: global.quiet, terminal: CLI.stdoutIsTerminal)
        let result: RunResult
        let endpoint = try engineOptions.endpoint()
        do {
            let opened = try await MeasuringSession.open(
                endpoint: endpoint, historyPath: global.history, logger: logger)
            let session = opened.runSession(logger: logger, progress: { printer($0) })
            let control = RunControl()
            let trap = SignalTrap { signal in
                CLI.error("signal \(signal): stopping after the current step; containers are being removed")
                control.cancel()
            }
            defer { withExtendedLifetime((opened.lock, trap)) {} }
            result = try await session.run(request, control: control)
        } catch {
            throw CLI.fail(error.message, error.status)
        }
        let verdict = result.verdict
        if !global.quiet {
            print(TerminalSummary(result.report).render())
            print("plots and reports: \(result.directory.path)")
        }
        print("verdict: \(verdict) (exit \(verdict.rawValue)), run \(result.record.id)")
        if verdict != .pass { throw ExitCode(verdict.rawValue) }
    }

    private func planStage() -> PlanStage {
        var options = TrialOptions(coldCache: coldCache, cpuLimit: cpus?.cpus)
        options.memoryLimit = memoryLimit?.bytes
        options.healthInterval = healthInterval?.seconds
        let source: PlanStage.Source =
            dockerfile.map {
                .dockerfile(
                    path: $0, context: context, port: port ?? 0, healthPath: healthPath, name: name,
                    baseImagesFrom: suite)
            } ?? .suite(path: suite)
        return PlanStage(
            source: source, services: services, drivers: drivers, scenarios: scenarios, trials: trials, label: label,
            measureFloor: !noFloor, options: options, measureCompressedSize: compressedSize, indexMode: index,
            wheelCache: URL(fileURLWithPath: wheelCache))
    }
}
