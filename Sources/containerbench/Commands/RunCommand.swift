import ArgumentParser
import ContainerBench
import Foundation
import Synchronization

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
    var baseline: String = "last"

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
    var healthInterval: String?

    @Option(help: "Container memory limit (e.g. 2GB).")
    var memoryLimit: String?

    @Option(help: "Container CPU limit (e.g. 1.5).")
    var cpus: Double?

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
        if let healthInterval, (Quantity.seconds(healthInterval) ?? 0) < 0.001 {
            throw ValidationError("--health-interval '\(healthInterval)' is not a duration such as 100ms or 1s")
        }
        if let memoryLimit, Quantity.bytes(memoryLimit) == nil {
            throw ValidationError("--memory-limit '\(memoryLimit)' is not a size such as 2GB")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        // Inputs first: a bad file is a usage error before anything runs.
        let plan: RunPlan
        let loadedTargets: Targets?
        do {
            plan = try makePlan()
            loadedTargets = targets == "none" ? nil : try TargetsLoader.load(path: targets)
        } catch {
            throw CLI.fail("\(error)", CLI.status(for: error))
        }
        // The engine before the history: without an engine nothing is measured, so no history file is created.
        let engine = try await CLI.connectEngine()
        let store = try CLI.openHistory(global.history)
        let lock: HostLock
        do {
            lock = try HostLock()
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
        defer { withExtendedLifetime(lock) {} }
        let client: BuildKitClient
        do {
            client = try await BuildKitClient.discover(socketPath: engine.socketPath)
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }

        let printer = ProgressPrinter(quiet: global.quiet, terminal: CLI.stdoutIsTerminal)
        let runner = BenchmarkRunner(engine: engine, client: client, logger: logger, progress: { printer($0) })
        let runID = RunRecord.makeID()
        let tasks = RunningTasks()
        let task = Task { await runner.run(plan, runID: runID) }
        tasks.set(task)
        let trap = SignalTrap { signal in
            CLI.error("signal \(signal): stopping after the current step; containers are being removed")
            tasks.cancel()
        }
        let outcome = await task.value
        var record = outcome.record
        if trap.received != nil { record.status = .interrupted }

        var evaluation: Evaluation
        do {
            evaluation = try RunAnalysis().evaluate(
                record, targets: loadedTargets, policy: outcome.policy, store: store,
                baseline: BaselineSelection(parsing: baseline))
        } catch {
            CLI.error("regression gate skipped: \(error)")
            evaluation = RunAnalysis().evaluate(
                record, targets: loadedTargets, policy: outcome.policy, baseline: nil)
            record.errors.append("regression gate: \(error)")
        }
        var confirmation: (record: RunRecord, evaluation: Evaluation)?
        let alerted = RegressionConfirmation.alertedPairs(evaluation)
        if confirm, !alerted.isEmpty, trap.received == nil {
            if !global.quiet {
                let pairs = alerted.map(\.description).joined(separator: ", ")
                print("confirming the regression of \(pairs): measuring again")
            }
            let confirmID = RunRecord.makeID()
            let confirmTask = Task {
                await runner.run(RegressionConfirmation.restrict(plan, to: alerted), runID: confirmID)
            }
            tasks.set(confirmTask)
            let confirmOutcome = await confirmTask.value
            var confirmRecord = confirmOutcome.record
            if trap.received != nil { confirmRecord.status = .interrupted }
            // The first run is not stored yet, so "last N good runs" means the same runs for both evaluations.
            let confirmEvaluation = try? RunAnalysis().evaluate(
                confirmRecord, targets: loadedTargets, policy: confirmOutcome.policy, store: store,
                baseline: BaselineSelection(parsing: baseline))
            if confirmRecord.status == .completed, let confirmEvaluation {
                record.warnings += RegressionConfirmation.apply(
                    confirmation: confirmEvaluation, confirmationRunID: confirmID, to: &evaluation)
            } else {
                record.warnings.append("confirmation run \(confirmID) did not complete: the regression alerts stand")
            }
            confirmation = (confirmRecord, confirmEvaluation ?? Evaluation(runID: confirmID))
        }
        do {
            try store.save(record, evaluation: evaluation)
            if let confirmation { try store.save(confirmation.record, evaluation: confirmation.evaluation) }
        } catch {
            throw CLI.fail("the run was measured but could not be stored: \(error)", .infrastructureError)
        }

        let directory = URL(fileURLWithPath: resultsDir).appendingPathComponent(record.id)
        let artifacts = RunArtifacts(logger: logger)
        let rendered = await artifacts.plots(for: record, store: store, targets: loadedTargets, directory: directory)
        let plots = rendered.compactMap { try? ReportPlot(rendered: $0, reportDirectory: directory) }
        let input = ReportInput(record: record, evaluation: evaluation, strict: strict, plots: plots)
        do {
            _ = try artifacts.writeReports(input, formats: [.markdown, .json, .junit, .html], directory: directory)
            for (path, format) in [(markdown, ReportFormat.markdown), (junit, .junit), (json, .json), (html, .html)] {
                if let path {
                    let copyInput = ReportInput(
                        record: record, evaluation: evaluation, strict: strict,
                        plots: rendered.compactMap {
                            try? ReportPlot(
                                rendered: $0, reportDirectory: URL(fileURLWithPath: path).deletingLastPathComponent())
                        })
                    try RunArtifacts.write(
                        try ReportRenderer.render(copyInput, as: format), to: URL(fileURLWithPath: path))
                }
            }
        } catch {
            throw CLI.fail(
                "the run was stored as \(record.id), but a report could not be written: \(error)", .infrastructureError)
        }
        let verdict = input.verdict
        if !global.quiet {
            print(TerminalSummary(input).render())
            print("plots and reports: \(directory.path)")
        }
        print("verdict: \(verdict) (exit \(verdict.rawValue)), run \(record.id)")
        if verdict != .pass { throw ExitCode(verdict.rawValue) }
    }

    private func makePlan() throws -> RunPlan {
        var options = TrialOptions(coldCache: coldCache, cpuLimit: cpus)
        options.memoryLimit = memoryLimit.flatMap(Quantity.bytes).map { Int64($0) }
        options.healthInterval = healthInterval.flatMap(Quantity.seconds)
        var loaded: Suite
        if let dockerfile {
            loaded = try AdHocSuite.make(
                dockerfile: dockerfile, context: context, port: port ?? 0, healthPath: healthPath, name: name,
                trials: trials ?? 5, baseImagesFrom: suite)
        } else {
            loaded = try SuiteLoader.load(path: suite)
        }
        if !services.isEmpty {
            for name in services where loaded.service(named: name) == nil {
                throw ConfigError(file: loaded.source, message: "--service \(name): no such service in the suite")
            }
            loaded.services = loaded.services.filter { services.contains($0.name) }
        }
        if !drivers.isEmpty {
            for index in loaded.services.indices {
                loaded.services[index].drivers = loaded.services[index].drivers.filter { drivers.contains($0.name) }
            }
            loaded.services = loaded.services.filter { !$0.drivers.isEmpty }
            guard !loaded.services.isEmpty else {
                throw ConfigError(
                    file: loaded.source, message: "--driver \(drivers.joined(separator: ",")): no service has it")
            }
        }
        return RunPlan(
            suite: loaded, scenarios: scenarios, trials: trials, label: label, measureFloor: !noFloor,
            options: options, measureCompressedSize: compressedSize, indexMode: index,
            wheelCache: URL(fileURLWithPath: wheelCache))
    }
}

/// The measuring task a signal should cancel: the run, then its confirmation run.
private final class RunningTasks: Sendable {
    private let current = Mutex<Task<RunOutcome, Never>?>(nil)

    /// Makes `task` the one a signal cancels.
    func set(_ task: Task<RunOutcome, Never>) {
        current.withLock { $0 = task }
    }

    /// Cancels the current task.
    func cancel() {
        current.withLock { $0?.cancel() }
    }
}
