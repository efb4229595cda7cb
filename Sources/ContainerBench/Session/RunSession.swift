import ContainerBenchAnalysis
import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchHistory
import ContainerBenchMeasure
import ContainerBenchModel
import ContainerBenchReport
import Foundation
import Logging

/// What a measurement produced: the record to store and the policy findings of its images.
public struct RunOutcome: Sendable {
    public var record: RunRecord
    public var policy: [PolicyFinding]
    /// The looks `--trials auto` took (nil for a fixed trial count): the final verdicts are judged at that look's
    /// confidence, so their error rates hold over every look.
    public var looks: Int?

    /// An outcome; see the properties.
    public init(record: RunRecord, policy: [PolicyFinding], looks: Int? = nil) {
        self.record = record
        self.policy = policy
        self.looks = looks
    }
}

/// Says, after a look of `--trials auto`, which service × drivers still have an undecided budget or gate.
public typealias TrialDecider = @Sendable (_ record: RunRecord, _ look: Int) async -> Set<ServiceDriver>

/// What `RunSession.run` is asked to do: the plan, what to judge it against, and where its reports go.
public struct RunRequest: Sendable {
    public var plan: RunPlan
    /// The budgets; nil judges none.
    public var targets: Targets?
    public var baseline: BaselineSelection
    /// Confirm the screen's suspicions by an interleaved A/B of the baseline's kept image against the current image
    /// (the default); off, they are judged by Holm over the run's screens.
    public var confirm: Bool
    /// Completed runs whose images are kept per service × driver, for later confirmations.
    public var keptRuns: Int
    /// Inconclusive budgets and gates fail the run.
    public var strict: Bool
    /// Where the run's folder of plots and reports is made.
    public var resultsDirectory: URL
    /// Extra copies of reports (a CI job summary, a JUnit file), by format.
    public var extraReports: [(format: ReportFormat, url: URL)]

    /// A request; see the properties.
    public init(
        plan: RunPlan, targets: Targets?, baseline: BaselineSelection = .lastGood(BaselineSelection.defaultRuns),
        confirm: Bool = true, keptRuns: Int = 2, strict: Bool = false, resultsDirectory: URL,
        extraReports: [(format: ReportFormat, url: URL)] = []
    ) {
        self.plan = plan
        self.targets = targets
        self.baseline = baseline
        self.confirm = confirm
        self.keptRuns = keptRuns
        self.strict = strict
        self.resultsDirectory = resultsDirectory
        self.extraReports = extraReports
    }
}

/// What a whole run came to.
public struct RunResult: Sendable {
    public var record: RunRecord
    public var evaluation: Evaluation
    /// The trials the same-sitting confirmation A/B ran (both sides), 0 when there was nothing to confirm.
    public var confirmationTrials: Int
    /// The run's folder of plots and reports.
    public var directory: URL
    /// The report input the verdict and the terminal summary come from.
    public var report: ReportInput

    /// The verdict, which is the process exit status.
    public var verdict: ExitStatus { report.verdict }
}

/// Why a run could not be completed as asked. The measurement, when there was one, is never lost: an error after
/// measuring says which run id it was stored as, if it was.
public struct SessionError: Error, Sendable, CustomStringConvertible {
    /// The exit status the error maps to.
    public var status: ExitStatus
    public var message: String

    /// An error; see the properties.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}

/// One measuring run as a pipeline of stages that take and return values: plan → build → inspect → floor →
/// trials → analyse → (confirm) → persist → artifacts. The CLI parses flags, makes a `RunSession` from what
/// `MeasuringSession.open` opened, calls `run`, prints and maps the verdict to the exit code; nothing else.
///
/// The parts it measures with are protocols (engine, builder, probes, sampler, clock, history), so the same session
/// runs against dockerd and against the test-support target's in-memory engine.
public struct RunSession: Sendable {
    public var engine: any ContainerEngine
    public var builder: any ImageBuilder
    public var instruments: MeasuringInstruments
    public var store: any HistoryStore
    /// Starts the `--index local` package index (real builds only); nil refuses `--index local`.
    public var localIndex: (any LocalIndexProvider)?
    /// Makes missing stand-in base images before the builds; nil refuses to (preflight then says to bootstrap).
    public var standIns: (any StandInMaker)?
    public var logger: Logger
    /// Receives every step and stage.
    public var progress: @Sendable (ProgressEvent) -> Void
    /// Renders plots; nil skips them (reports are still written).
    public var artifacts: ArtifactStage
    /// The defaults of every verdict (levels, trials, the confirmation plan).
    public var policy: VerdictPolicy = .standard

    /// A session over the given parts.
    public init(
        engine: any ContainerEngine, builder: any ImageBuilder, instruments: MeasuringInstruments = .init(),
        store: any HistoryStore, localIndex: (any LocalIndexProvider)? = nil, standIns: (any StandInMaker)? = nil,
        logger: Logger, artifacts: ArtifactStage? = nil,
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) {
        self.engine = engine
        self.standIns = standIns
        self.builder = builder
        self.instruments = instruments
        self.store = store
        self.localIndex = localIndex
        self.logger = logger
        self.artifacts = artifacts ?? ArtifactStage(logger: logger)
        self.progress = progress
    }

    // MARK: - Measuring

    /// Builds, inspects and measures `plan` (floor, then interleaved trials). Never throws for a failing part:
    /// failures are recorded in the run (status `failed`, with errors) so nothing measured is lost; a cancelled
    /// task ends with status `interrupted`.
    /// - Parameter decide: for `--trials auto` (`plan.adaptiveTrials`), which pairs need another round after a look.
    public func measure(_ plan: RunPlan, runID: String = RunRecord.makeID(), decide: TrialDecider? = nil) async
        -> RunOutcome
    {
        // Private: it holds context copies and `docker save` tars of the images (secrets baked in included).
        let work = plan.workDirectory.appendingPathComponent("containerbench-\(runID)")
        try? FileManager.default.createDirectory(
            at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: work) }
        var outcome = await measureStages(plan, runID: runID, work: work, decide: decide)
        // Nothing leaves the measuring stages with a secret in it: layers, logs, messages (docs/security.md).
        outcome.record = SecretRedactor(plan: plan).redacted(outcome.record)
        // Repeated cold builds move the run's tag; the untagged predecessors are this run's (and only these go).
        do {
            try await engine.pruneDanglingImages(withLabel: "\(ContainerLabels.run)=\(runID)")
        } catch {
            logger.warning("could not prune this run's untagged images: \(error)")
        }
        return outcome
    }

    /// Removes the tags run `runID` gave its images (`ImageTag`): what it measured stays only as kept images
    /// (`KeptImages`), nothing of another run is touched. Call once the run no longer needs them (after the
    /// confirmation and the kept images).
    /// - Returns: the tags removed.
    @discardableResult
    public func release(_ plan: RunPlan, runID: String) async -> [String] {
        var removed: [String] = []
        for service in Set(plan.suite.services.map(\.name)).sorted() {
            let tags = (try? await engine.imageTags(repository: ImageTag.repository(service: service))) ?? []
            for tag in tags where tag.hasSuffix("-" + runID) {
                do {
                    try await engine.removeImage(tag)
                    removed.append(tag)
                } catch {
                    logger.warning("could not remove the run's image tag \(tag): \(error)")
                }
            }
        }
        return removed
    }

    private func measureStages(_ plan: RunPlan, runID: String, work: URL, decide: TrialDecider?) async -> RunOutcome {
        let environment = await EnvironmentProbe.fingerprint(
            engine: engine, buildClient: builder.clientDescription, suite: plan.suite, options: plan.options,
            indexMode: plan.indexMode.rawValue)
        var record = RunRecord(
            id: runID, startedAt: Self.millisecondDate(), label: plan.label, suite: plan.suite.source,
            environment: environment)
        if environment.cgroupVersion == 0 {
            record.warnings.append("the engine did not report its cgroup version: recorded as unknown (0)")
        }
        let events = await engine.followEvents(label: "\(ContainerLabels.run)=\(runID)")
        defer { events.stop() }
        if !events.isConnected {
            record.warnings.append("the engine event stream is unavailable: healthy is not timed, exits polled")
        }
        for service in plan.suite.services { record.warnings += FairnessLint.check(service: service) }

        let clock = instruments.clock
        let reporter = ProgressReporter(plan: plan, now: { clock.now() }, sink: progress)
        var context = MeasureContext(
            runID: runID, plan: plan, engine: engine, builder: builder, instruments: instruments,
            events: events.isConnected ? events : nil,
            settings: BuildSettings(run: plan, workDirectory: work, runner: engine.runner.id), logger: logger,
            progress: reporter)

        var index: (any RunningLocalIndex)?
        if plan.indexMode == .local {
            reporter.advance(.prepare, nil, nil, "local package index", kind: "prepare")
            do {
                guard let localIndex else {
                    throw BuildError("--index local needs a real BuildKit client to download the wheels with")
                }
                let started = try await localIndex.start(plan: plan, context: context)
                index = started
                context.settings.localIndex = started.baseURL
            } catch {
                record.errors.append("--index local: \(error)")
                return RunOutcome(record: Self.finish(record, .failed, note: nil), policy: [])
            }
        }
        defer { index?.stop() }

        let built = await BuildStage().run(context)
        record.builds = built.builds
        record.errors += built.errors
        if built.interrupted {
            return RunOutcome(record: Self.finish(record, .interrupted, note: "interrupted while building"), policy: [])
        }
        if plan.trialsNeedEveryBuild, built.images.count < plan.pairs.count {
            let failed = plan.pairs.map { ServiceDriver(service: $0.service.name, driver: $0.driver.name) }
                .filter { built.images[$0] == nil }.map(\.description).joined(separator: ", ")
            return RunOutcome(
                record: Self.finish(
                    record, .failed, note: "no trials: \(failed) did not build, and the comparison needs every side"),
                policy: [])
        }
        let inspected = await ImageStage().run(context, built: built.images)
        record.images = inspected.images
        record.warnings += inspected.warnings
        record.errors += inspected.errors
        let floor = await FloorStage().run(context)
        record.floorTrials = floor.trials
        if floor.interrupted {
            return RunOutcome(
                record: Self.finish(record, .interrupted, note: "interrupted during the floor"),
                policy: inspected.policy)
        }
        let trials = await TrialStage().run(context, built: built.images)
        record.trials = trials.trials
        record.errors += trials.errors
        if trials.interrupted || Task.isCancelled {
            return RunOutcome(
                record: Self.finish(
                    record, .interrupted, note: trials.interrupted ? "interrupted during trials" : "interrupted"),
                policy: inspected.policy)
        }
        var looks: Int?
        if plan.adaptiveTrials, let decide {
            let auto = plan.adaptivePlan ?? policy.autoPlan
            let started = clock.now()
            var look = 1
            // Judged on the trials of the first rounds, then after every round that was added.
            while true {
                let undecided = await decide(record, look)
                let step = auto.next(
                    afterLook: look, undecided: undecided.count, elapsedSeconds: clock.now() - started,
                    timeBudgetSeconds: plan.timeBudget)
                guard case .runRound(let next, let count) = step else {
                    if case .stop(let reason) = step, reason != .allDecided {
                        record.warnings.append(
                            "--trials auto stopped at look \(look) (\(reason.rawValue)) with \(undecided.count) "
                                + "service × driver(s) undecided: "
                                + undecided.map(\.description).sorted().joined(separator: ", "))
                    }
                    break
                }
                let done = auto.trials(atLook: look)
                let extra = await TrialStage().run(
                    context, built: built.images, only: undecided, rounds: done..<(done + count))
                record.trials += extra.trials
                record.errors += extra.errors
                look = next
                if extra.interrupted || Task.isCancelled {
                    return RunOutcome(
                        record: Self.finish(record, .interrupted, note: "interrupted during trials"),
                        policy: inspected.policy, looks: look)
                }
            }
            looks = look
        }
        reporter.advance(.done, nil, nil, "done")
        return RunOutcome(
            record: Self.finish(record, record.errors.isEmpty ? .completed : .failed, note: nil),
            policy: inspected.policy, looks: looks)
    }

    // MARK: - The whole run

    /// Checks, before anything is measured, that the baseline `request` names exists (a mistyped `--baseline`
    /// must not turn into a run judged against nothing).
    /// - Throws: `SessionError` with status `usageError` naming the baseline, or `infrastructureError` when the
    ///   history cannot be read.
    public func validate(_ request: RunRequest) throws(SessionError) {
        do {
            switch request.baseline {
            case .named(let name):
                if try store.baseline(named: name) == nil {
                    throw SessionError(
                        .usageError,
                        "--baseline \(name): no baseline of that name (see `containerbench baseline list`; "
                            + "`last`, `last:N`, `run:ID` and `none` are the other choices)")
                }
            case .run(let id):
                if try store.run(id: id) == nil {
                    throw SessionError(.usageError, "--baseline run:\(id): no run with that id in the history")
                }
            case .none, .lastGood:
                break
            }
        } catch let error as SessionError {
            throw error
        } catch {
            throw SessionError(.infrastructureError, "\(error)")
        }
    }

    /// Runs `request` through every stage: measure, analyse, confirm (when asked and alerted), persist, artifacts.
    /// - Parameter control: lets a signal handler interrupt the measuring stages.
    /// - Throws: `SessionError` for an unknown baseline (before measuring), or when the run was measured but could
    ///   not be stored or its reports written (the message says what was kept).
    public func run(_ request: RunRequest, control: RunControl = RunControl()) async throws(SessionError) -> RunResult {
        try validate(request)
        let prepared = try await prepare(request.plan)
        let runID = RunRecord.makeID()
        let plan = prepared.plan
        let decide = plan.adaptiveTrials ? decider(targets: request.targets, baseline: request.baseline) : nil
        let outcome = await control.measuring { await measure(plan, runID: runID, decide: decide) }
        var record = outcome.record
        record.warnings = prepared.notes + record.warnings
        if control.isCancelled { record.status = .interrupted }

        var runPolicy = policy
        runPolicy.confirms = request.confirm
        // After --trials auto, budgets are judged at the last look's confidence (the error spent over the looks).
        let analysis = AnalysisStage(
            store: store,
            analysis: RunAnalysis(
                policy: runPolicy, budgets: BudgetEvaluator(judge: runPolicy.budgetJudge(look: outcome.looks))))
        progress(ProgressEvent(stage: .analyse, step: 0, steps: 0, message: "judging \(record.id)"))
        let judged = analysis.run(
            record: &record, targets: request.targets, policy: outcome.policy, baseline: request.baseline)
        var evaluation = judged.evaluation

        var confirmationTrials = 0
        let pending = evaluation.regressions.filter { $0.change == .regression && $0.confirmation == nil }
        if request.confirm, !pending.isEmpty, let baseline = judged.baseline {
            let cells = pending.map { "\($0.service)/\($0.driver) \($0.metric.rawValue)" }.joined(separator: ", ")
            progress(
                ProgressEvent(
                    stage: .confirm, step: 0, steps: 0,
                    message: "confirming \(cells): the baseline's image against this one, interleaved"))
            let findings = evaluation.regressions
            let baselineRuns = baseline.runs.compactMap(\.id)
            let (measured, confirmPolicy) = (record, runPolicy)
            let confirmed = await control.measuring {
                await confirm(
                    findings: findings, record: measured, baselineRuns: baselineRuns, plan: plan, policy: confirmPolicy)
            }
            evaluation.regressions = confirmed.findings
            record.warnings += confirmed.notes
            confirmationTrials = confirmed.trials
            if confirmed.interrupted || control.isCancelled { record.status = .interrupted }
        }

        progress(ProgressEvent(stage: .persist, step: 0, steps: 0, message: "storing \(record.id)"))
        let redactor = SecretRedactor(plan: plan)
        record = redactor.redacted(record)
        evaluation = redactor.redacted(evaluation)
        do {
            try PersistStage(store: store).run([(record, evaluation)])
        } catch {
            await release(plan, runID: record.id)
            throw SessionError(.infrastructureError, "the run was measured but could not be stored: \(error)")
        }
        // Its images are kept for later confirmations; the oldest kept ones go.
        let kept = KeptImages(engine: engine, keep: request.keptRuns)
        record.warnings += await kept.keep(record)
        let protected = Set(((try? store.baselines()) ?? []).flatMap(\.runIDs))
        await kept.prune(services: record.pairs.map(\.service), protected: protected)
        await release(plan, runID: record.id)

        progress(ProgressEvent(stage: .artifacts, step: 0, steps: 0, message: "plots and reports"))
        let directory = request.resultsDirectory.appendingPathComponent(record.id)
        let report: ReportInput
        do {
            report = try await artifacts.run(
                record: record, evaluation: evaluation, strict: request.strict, targets: request.targets,
                store: store, directory: directory, extraReports: request.extraReports)
        } catch {
            throw SessionError(
                .infrastructureError, "the run was stored as \(record.id), but a report could not be written: \(error)")
        }
        return RunResult(
            record: record, evaluation: evaluation, confirmationTrials: confirmationTrials, directory: directory,
            report: report)
    }

    /// The decider of `--trials auto`: after look `look`, the service × drivers with a trial budget still
    /// inconclusive at that look's confidence, or a regression cell inconclusive for too few samples that more
    /// trials could decide. Build budgets and ratios are not: more trials do not change builds.
    func decider(targets: Targets?, baseline: BaselineSelection) -> TrialDecider {
        let (store, policy) = (self.store, self.policy)
        return { record, look in
            var copy = record
            let stage = AnalysisStage(
                store: store,
                analysis: RunAnalysis(policy: policy, budgets: BudgetEvaluator(judge: policy.budgetJudge(look: look))))
            let evaluation = stage.run(record: &copy, targets: targets, policy: [], baseline: baseline).evaluation
            let maximum = policy.autoPlan.maximumTrials
            var undecided = Set<ServiceDriver>()
            for budget in evaluation.budgets
            where budget.outcome == .inconclusive && RegressionGate.isConfirmable(budget.metric) && budget.n < maximum {
                undecided.insert(ServiceDriver(service: budget.service, driver: budget.driver))
            }
            for finding in evaluation.regressions
            where finding.change == .inconclusive && RegressionGate.isConfirmable(finding.metric)
                && finding.currentN < maximum
                && finding.screen.map({ $0.finding == .inconclusive(.tooFewSamples) }) == true
            {
                undecided.insert(ServiceDriver(service: finding.service, driver: finding.driver))
            }
            return undecided
        }
    }

    /// The same-sitting confirmation of `findings`' suspicions, on a context of its own (labels, events).
    func confirm(
        findings: [RegressionFinding], record: RunRecord, baselineRuns: [String], plan: RunPlan, policy: VerdictPolicy
    ) async -> ConfirmationStage.Result {
        let runID = record.id + "-confirm"
        let events = await engine.followEvents(label: "\(ContainerLabels.run)=\(runID)")
        defer { events.stop() }
        let clock = instruments.clock
        let context = MeasureContext(
            runID: runID, plan: plan, engine: engine, builder: builder, instruments: instruments,
            events: events.isConnected ? events : nil,
            settings: BuildSettings(run: plan, workDirectory: plan.workDirectory, runner: engine.runner.id),
            logger: logger, progress: ProgressReporter(plan: plan, now: { clock.now() }, sink: progress))
        let store = self.store
        return await ConfirmationStage(policy: policy, kept: KeptImages(engine: engine)).run(
            findings: findings, record: record, baselineRuns: baselineRuns, context: context,
            settings: { runID in (try? store.run(id: runID))??.environment.trialSettings })
    }

    /// Runs `PreflightStage` on `plan`: every Dockerfile parses, every base image can be built from (stand-ins are
    /// made where a recipe allows), before anything is built.
    /// - Throws: `SessionError` (usage error for an unmappable base, naming its line and the flag).
    public func prepare(_ plan: RunPlan) async throws(SessionError) -> PreflightStage.Result {
        progress(ProgressEvent(stage: .prepare, step: 0, steps: 0, message: "checking base images"))
        var result = try await PreflightStage(engine: engine, standIns: standIns).run(plan)
        // Containers of runs whose process is gone (a kill -9) would hold their ports: gc's own rule, said.
        if let removed = try? await GarbageCollector(engine: engine).collect(includeLive: false, images: false),
            !removed.containers.isEmpty
        {
            result.notes.append(
                "removed \(removed.containers.count) container(s) left by runs whose process is gone: "
                    + removed.containers.map { String($0.prefix(12)) }.joined(separator: ", "))
        }
        for note in result.notes {
            progress(ProgressEvent(stage: .prepare, step: 0, steps: 0, message: note))
        }
        return result
    }

    // MARK: - Helpers

    /// Now, to the millisecond: the history stores dates in milliseconds.
    static func millisecondDate() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func finish(_ record: RunRecord, _ status: RunStatus, note: String?) -> RunRecord {
        var record = record
        record.status = status
        record.finishedAt = millisecondDate()
        if let note { record.errors.append(note) }
        return record
    }
}
