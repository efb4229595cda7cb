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
            Measures the suite (default benchmarks/suite.yaml), one Dockerfile given with --dockerfile (every \
            setting of a suite service has a flag: --port, --health-path, --env, --build-arg, --target, --command, \
            --ready-timeout, --memory-window), or the services of a compose file (--compose FILE [--service NAME]). \
            Base images no registry can provide are mapped to local stand-ins (--base-image NAME=LOCAL, \
            --base-images FILE, the suite's base_images, else the built-in ones) and made before the builds. The run \
            is stored in the history in one transaction, judged against the targets (default \
            baselines/targets.yaml, else the seed's budgets built in) and a baseline, and its plots \
            and reports are written under results/runs/RUN-ID/. Exit codes: 0 pass, 1 budget breached, 2 \
            regression, 3 inconclusive (--strict only), 4 infrastructure error, 64 usage error, 130 interrupted.
            A regression is screened at the run level against the baseline (the last 10 comparable runs by \
            default) and, when suspected, confirmed in the same sitting by interleaved trials of the baseline's kept \
            image against this one (--no-confirm judges by Holm over the run's cells instead); the warnings say what \
            was confirmed or dropped. Budgets say the confidence they were decided with and the trials a confident \
            verdict needs; --trials auto adds interleaved rounds until they are decided.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var baseImages: BaseImageOptions
    @OptionGroup var secrets: BuildSecretOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(help: "The suite file (default benchmarks/suite.yaml; not read with --dockerfile or --compose).")
    var suite: String?

    @Option(
        help: """
            The targets (budgets) file; 'none' to judge no budgets. Default: baselines/targets.yaml when it exists \
            here, else the seed's budgets built in (startup p95 < 8 s, image < 450 MB, memory < 1.5 GB).
            """)
    var targets: String?

    @Option(name: .customLong("policy"), help: "Policy check level, CHECK=error|warn|off (repeatable).")
    var policy: [String] = []

    @Option(name: .customLong("service"), help: "Only these services (repeatable); with --compose, which to measure.")
    var services: [String] = []

    @Option(name: .customLong("driver"), help: "Only these drivers (repeatable).")
    var drivers: [String] = []

    @Option(
        help: """
            Trials per service × driver (1-1000, overrides the suite), or `auto`: 10, then interleaved rounds of 5 \
            for the service × drivers whose budgets or gates are still undecided, up to 40 (--time-budget caps it).
            """)
    var trials: TrialCountArgument?

    @Option(help: "With --trials auto, the most time the trials may take (e.g. 20m).")
    var timeBudget: DurationArgument?

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
    var baseline: BaselineSelection = .lastGood(BaselineSelection.defaultRuns)

    @Flag(help: "Inconclusive budgets and gates fail the run (exit 3).")
    var strict = false

    @Flag(
        inversion: .prefixedNo,
        help: "Confirm suspected regressions by an interleaved A/B of the baseline's kept image against this one.")
    var confirm = true

    @Option(help: "Cold builds per service × driver, interleaved (default: the suite's build_repeats, else 1).")
    var buildRepeats: Int?

    @Option(help: "Completed runs whose images are kept per service × driver for later confirmations.")
    var keepImages: Int = 2

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

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "Read each image's inventory (Python distributions, Debian packages) from a docker save of it. Default: "
                + "on with --compressed-size (the same save serves both, for at most ~0.5 s more), else off (a save "
                + "of its own costs 2-10 s per image; docs/measurement.md)."))
    var inventory: Bool?

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

    // Ad hoc: one Dockerfile given by flags instead of a suite, or a compose file.
    @Option(help: "Measure this Dockerfile instead of the suite.")
    var dockerfile: String?

    @Option(help: "Measure the services of this docker compose file instead of the suite.")
    var compose: String?

    @OptionGroup(title: "With --dockerfile (and --compose, for --port)") var service: ServiceOptions

    func validate() throws {
        try timeBudget?.check("--time-budget", within: 1...86_400)
        if timeBudget != nil && trials != .auto { throw ValidationError("--time-budget needs --trials auto") }
        if let buildRepeats, !(1...20).contains(buildRepeats) {
            throw ValidationError("--build-repeats must be from 1 to 20, got \(buildRepeats)")
        }
        if !(0...50).contains(keepImages) { throw ValidationError("--keep-images must be from 0 to 50") }
        if dockerfile != nil && service.port == nil { throw ValidationError("--dockerfile needs --port") }
        if dockerfile != nil && compose != nil { throw ValidationError("give --dockerfile or --compose, not both") }
        for entry in policy {
            do { _ = try PolicySettings.entry(fromFlag: entry) } catch { throw ValidationError("\(error)") }
        }
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
                plan: try planStage().run(), targets: try loadTargets(), baseline: baseline,
                confirm: confirm, keptRuns: keepImages, strict: strict,
                resultsDirectory: URL(fileURLWithPath: resultsDir),
                extraReports: [(ReportFormat.markdown, markdown), (.junit, junit), (.json, json), (.html, html)]
                    .compactMap { format, path in path.map { (format, URL(fileURLWithPath: $0)) } })
        } catch {
            throw CLI.fail("\(error)", CLI.status(for: error))
        }
        let printer = ProgressPrinter(quiet: global.quiet, terminal: CLI.stdoutIsTerminal)
        let location = try global.historyLocation()
        let result: RunResult
        let endpoint = try engineOptions.endpoint()
        do {
            let opened = try await MeasuringSession.open(endpoint: endpoint, history: location, logger: logger)
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

    /// The default targets file, looked for in the working directory.
    static let defaultTargets = "baselines/targets.yaml"

    /// The targets: the file given, the default file when it is here, else the built-in budgets (said on stderr);
    /// `--policy` levels laid over the file's.
    private func loadTargets() throws -> Targets? {
        var loaded: Targets
        if let targets {
            if targets == "none" { return nil }
            loaded = try TargetsLoader.load(path: targets)
        } else if FileManager.default.fileExists(atPath: Self.defaultTargets) {
            loaded = try TargetsLoader.load(path: Self.defaultTargets)
        } else {
            loaded = Targets.builtIn
            if !global.quiet {
                CLI.error(
                    "no \(Self.defaultTargets) here: judging against the built-in budgets (the seed's: startup p95 < 8 s, "
                        + "image < 450 MB, memory < 1.5 GB); pass --targets FILE or --targets none")
            }
        }
        for entry in policy {
            let (check, level) = try PolicySettings.entry(fromFlag: entry)
            loaded.policy.levels[check] = level
        }
        return loaded
    }

    private func planStage() throws -> PlanStage {
        var options = TrialOptions(coldCache: coldCache, cpuLimit: cpus?.cpus)
        options.memoryLimit = memoryLimit?.bytes
        options.healthInterval = healthInterval?.seconds
        let source: PlanStage.Source
        var overlay = try baseImages.map()
        if let dockerfile {
            source = .dockerfile(
                try service.spec(dockerfile: dockerfile, trials: trials?.count ?? 5, healthInterval: nil))
            // An explicit --suite lends its base-image map; the default suite is never read for an ad-hoc run.
            if let suite { overlay = try SuiteLoader.load(path: suite).baseImageMap.merging(overlay) }
        } else if let compose {
            let ports =
                service.port.map { port in Dictionary(uniqueKeysWithValues: services.map { ($0, port) }) } ?? [:]
            source = .compose(path: compose, services: services, ports: ports)
            if let suite { overlay = try SuiteLoader.load(path: suite).baseImageMap.merging(overlay) }
        } else {
            source = .suite(path: suite ?? "benchmarks/suite.yaml")
        }
        var stage = PlanStage(
            source: source, baseImages: overlay, services: services, drivers: drivers, scenarios: scenarios,
            trials: trials == .auto ? VerdictPolicy.standard.autoPlan.firstLookTrials : trials?.count, label: label,
            measureFloor: !noFloor, options: options, measureCompressedSize: compressedSize, indexMode: index,
            wheelCache: URL(fileURLWithPath: wheelCache), measureInventory: inventory ?? compressedSize)
        stage.buildRepeats = buildRepeats
        stage.adaptiveTrials = trials == .auto
        stage.timeBudget = timeBudget?.seconds
        stage.buildSecrets = try secrets.secrets()
        return stage
    }
}
