import ContainerBenchAnalysis
import ContainerBenchModel
import ContainerBenchReport
import Foundation

/// One side of an `ab` comparison: a Dockerfile and the context it is built from.
public struct ABVariant: Sendable, Equatable {
    /// The Dockerfile (absolute).
    public var dockerfile: String
    /// The build context (absolute).
    public var context: String
    /// How the variant is named in output: the Dockerfile's path, or `PATH@REF (commit)`.
    public var source: String

    /// A variant; `context` defaults to the Dockerfile's folder.
    /// - Throws: `ABError` when the Dockerfile or the context does not exist.
    public init(dockerfile: String, context: String? = nil, source: String? = nil) throws {
        let file = URL(fileURLWithPath: dockerfile).standardizedFileURL
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw ABError("the Dockerfile \(dockerfile) does not exist or cannot be read")
        }
        let folder = URL(fileURLWithPath: context ?? file.deletingLastPathComponent().path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ABError("the build context \(folder.path) is not a folder: pass one with --context")
        }
        self.dockerfile = file.path
        self.context = folder.path
        self.source = source ?? dockerfile
    }
}

/// What `ab` measures: two variants of one service, the same port, health path and trial settings.
public struct ABRequest: Sendable {
    /// The baseline variant.
    public var a: ABVariant
    /// The variant judged against `a`.
    public var b: ABVariant
    /// The service name in the history and image tags.
    public var name: String
    /// The port the service listens on (host network).
    public var port: Int
    /// The HTTP path that answers 2xx when the service is ready.
    public var healthPath: String
    /// Startup trials per variant.
    public var trials: Int
    /// Seconds of memory sampling after ready.
    public var memoryWindow: Double
    /// Seconds to wait for ready before a trial fails.
    public var readyTimeout: Double
    /// Environment variables set in both variants' containers.
    public var environment: [String: String]
    /// Build arguments of both variants' builds.
    public var buildArgs: [String: String]
    /// The Dockerfile stage both variants build (`--target`), or nil for the last.
    public var target: String?
    /// The command both variants' containers run instead of the image's CMD.
    public var command: [String]?
    /// The status that counts as ready (any 2xx when nil).
    public var healthStatus: Int?
    /// Base images named in the Dockerfiles mapped to local stand-ins.
    public var baseImages: BaseImageMap
    /// The label the run is stored with.
    public var label: String
    /// Container limits and cache settings.
    public var options: TrialOptions
    /// `--trials auto`: rounds of interleaved trials (the verdict policy's confirmation plan: 5 + 5 a round, up to
    /// 60 a side) until every metric is decided; `trials` is then the first round's size.
    public var adaptive = false
    /// Duet trials: A and B start at the same time, B on its own port, and are compared pair by pair.
    public var duet: DuetSpec?
    /// Read both images' inventories and list what B adds over A.
    public var inventory: Bool
    /// An undecided metric is the verdict `inconclusive` (exit 3) rather than a pass.
    public var strict = false
    /// BuildKit secrets both builds get (`--secret`).
    public var buildSecrets: [BuildSecret] = []

    /// A request; see the properties.
    /// - Throws: `ABError` when a name, the port or the health path is invalid.
    public init(
        a: ABVariant, b: ABVariant, name: String = "ab", port: Int, healthPath: String = "/health", trials: Int = 5,
        memoryWindow: Double = 2, readyTimeout: Double = 60, environment: [String: String] = [:],
        buildArgs: [String: String] = [:], target: String? = nil, command: [String]? = nil, healthStatus: Int? = nil,
        baseImages: BaseImageMap = BaseImageMap(), label: String = "ab", options: TrialOptions = TrialOptions(),
        inventory: Bool = false, adaptive: Bool = false, duet: DuetSpec? = nil
    ) throws {
        guard Validation.isName(name) else {
            throw ABError("--name '\(name)' is not valid: lower-case letters, digits, '-', '_', '.'")
        }
        guard Validation.isName(label) else { throw ABError("label '\(label)' is not valid") }
        guard (1...65535).contains(port) else { throw ABError("--port must be from 1 to 65535, got \(port)") }
        guard Validation.isHTTPPath(healthPath) else {
            throw ABError("--health-path '\(healthPath)' must start with '/' (e.g. /health)")
        }
        guard trials >= 1 else { throw ABError("--trials must be at least 1, got \(trials)") }
        self.a = a
        self.b = b
        self.name = name
        self.port = port
        self.healthPath = healthPath
        self.trials = trials
        self.adaptive = adaptive
        self.duet = duet
        self.memoryWindow = memoryWindow
        self.readyTimeout = readyTimeout
        self.environment = environment
        self.buildArgs = buildArgs
        self.target = target
        self.command = command
        self.healthStatus = healthStatus
        self.baseImages = baseImages
        self.label = label
        self.options = options
        self.inventory = inventory
    }
}

/// Measures two Dockerfiles (or one at two git refs) interleaved in one run and judges B against A.
///
/// The variants become the drivers "a" and "b" of a one-service suite, so the run session's stages build both cold
/// and alternate their trials (A B, then B A), and the run is stored like any other. The comparison is the
/// regression gate with A's samples as the baseline and B's as the current run.
public struct ABRunner: Sendable {
    /// The session that builds, measures and stores.
    public var session: RunSession

    /// An `ab` runner over `session`.
    public init(session: RunSession) {
        self.session = session
    }

    /// What an `ab` run came to.
    public struct Result: Sendable {
        public var record: RunRecord
        public var report: ComparisonReport
        public var evaluation: Evaluation
    }

    /// The driver name of the baseline variant.
    public static let baselineDriver = "a"
    /// The driver name of the variant judged against it.
    public static let candidateDriver = "b"

    /// The one-service suite of `request`: drivers "a" and "b", each with its own Dockerfile and context.
    public static func suite(for request: ABRequest) -> Suite {
        let drivers = [
            DriverSpec(
                name: baselineDriver, dockerfile: request.a.dockerfile, buildArgs: request.buildArgs,
                context: request.a.context, target: request.target),
            DriverSpec(
                name: candidateDriver, dockerfile: request.b.dockerfile, buildArgs: request.buildArgs,
                context: request.b.context, target: request.target),
        ]
        let service = ServiceSpec(
            name: request.name, context: request.a.context, drivers: drivers, port: request.port,
            health: HealthSpec(path: request.healthPath, status: request.healthStatus), trials: request.trials,
            readyTimeout: request.readyTimeout, memoryWindow: request.memoryWindow, environment: request.environment,
            command: request.command)
        return Suite(
            source: "ab", services: [service], baseImages: request.baseImages.images,
            standIns: request.baseImages.recipes)
    }

    /// The plan of `request`: cold builds, no engine floor (both sides share it), its label, and no trials when a
    /// variant did not build (one side alone compares with nothing).
    public static func plan(for request: ABRequest) -> RunPlan {
        var plan = RunPlan(
            suite: suite(for: request), scenarios: [.cold], trials: request.trials, label: request.label,
            measureFloor: false, options: request.options)
        plan.trialsNeedEveryBuild = true
        plan.measureInventory = request.inventory
        plan.duet = request.duet
        plan.buildSecrets = request.buildSecrets
        return plan
    }

    /// Builds and measures both variants, judges B against A and stores the run with that judgement.
    /// - Throws: `SessionError` when the run was measured but could not be stored.
    public func run(_ request: ABRequest, control: RunControl = RunControl()) async throws(SessionError) -> Result {
        let prepared = try await session.prepare(Self.plan(for: request))
        var plan = prepared.plan
        let sequential = session.policy.confirmationPlan
        var decide: TrialDecider?
        if request.adaptive {
            plan.trials = sequential.firstLookTrials
            plan.adaptiveTrials = true
            plan.adaptivePlan = sequential
            let analysis = RunAnalysis(policy: session.policy)
            decide = { record, look in
                let report = Self.compare(record, request: request, analysis: analysis, look: look)
                let open = report.findings.contains { $0.change == .inconclusive && $0.confirmation != nil }
                return open
                    ? [
                        ServiceDriver(service: request.name, driver: Self.baselineDriver),
                        ServiceDriver(service: request.name, driver: Self.candidateDriver),
                    ] : []
            }
        }
        let runID = RunRecord.makeID()
        let planned = plan
        let outcome = await control.measuring { [session, decide] in
            await session.measure(planned, runID: runID, decide: decide)
        }
        // A comparison keeps no images: its tags go as soon as it is measured.
        await session.release(planned, runID: runID)
        var record = outcome.record
        record.warnings = prepared.notes + record.warnings
        if control.isCancelled { record.status = .interrupted }
        let report = Self.compare(
            record, request: request, analysis: RunAnalysis(policy: session.policy),
            look: request.adaptive ? outcome.looks : nil)
        let redactor = SecretRedactor(plan: planned)
        record = redactor.redacted(record)
        let evaluation = redactor.redacted(
            Evaluation(
                runID: record.id, regressions: report.findings,
                baselineDescription: "variant A (\(request.a.source)) against variant B (\(request.b.source))"))
        do {
            try PersistStage(store: session.store).run([(record, evaluation)])
        } catch {
            throw SessionError(
                .infrastructureError, "the comparison was measured but could not be stored: \(error)")
        }
        return Result(record: record, report: report, evaluation: evaluation)
    }

    /// B judged against A in one sitting: each gated metric by the same-sitting test (`RegressionGate.sameSitting`:
    /// t on logs at the policy's family-wise level over the metrics), exact metrics by their tolerance.
    /// - Parameter look: the look of `--trials auto` the trials stand at (judged at that look's level of the
    ///   confirmation plan); nil for a fixed count, judged once at the whole α.
    public static func compare(
        _ record: RunRecord, request: ABRequest, analysis: RunAnalysis = RunAnalysis(), look: Int? = nil
    ) -> ComparisonReport {
        let metrics = RunAnalysis.gatedMetrics
        let pair = ServiceDriver(service: request.name, driver: "b vs a")
        func grid(_ driver: String) -> [Metric: [Double]] {
            var cells: [Metric: [Double]] = [:]
            for metric in metrics {
                let values = record.values(of: metric, service: request.name, driver: driver)
                if !values.isEmpty { cells[metric] = values }
            }
            return cells
        }
        var gate = analysis.gate()
        var a = grid(baselineDriver)
        var b = grid(candidateDriver)
        if request.duet != nil {
            // Pairs: the rounds in which both sides succeeded, compared one by one.
            gate.policy.confirmationDesign = .paired
            let rounds = Set(record.trials.filter { $0.succeeded && $0.driver == baselineDriver }.map(\.index))
                .intersection(record.trials.filter { $0.succeeded && $0.driver == candidateDriver }.map(\.index))
            func paired(_ driver: String) -> [Metric: [Double]] {
                var copy = record
                copy.trials = record.trials.filter { $0.driver == driver && rounds.contains($0.index) }
                    .sorted { $0.index < $1.index }
                var cells: [Metric: [Double]] = [:]
                for metric in metrics where RegressionGate.isConfirmable(metric) {
                    let values = copy.values(of: metric, service: request.name, driver: driver)
                    if values.count == rounds.count { cells[metric] = values }
                }
                return cells
            }
            a = a.filter { $0.key.isExact }.merging(paired(baselineDriver)) { $1 }
            b = b.filter { $0.key.isExact }.merging(paired(candidateDriver)) { $1 }
        }
        let findings = gate.sameSitting(pair: pair, a: a, b: b, look: look)
        func inventory(_ driver: String) -> ImageInventory? {
            record.images.first { $0.service == request.name && $0.driver == driver }?.inventory
        }
        var inventories: [InventoryComparison] = []
        if let a = inventory(baselineDriver), let b = inventory(candidateDriver) {
            inventories.append(
                InventoryComparison(service: pair.service, driver: pair.driver, baseline: a, current: b))
        }
        return ComparisonReport(
            schema: ComparisonReport.abSchema,
            baseline: .init(name: "A", source: request.a.source, runID: record.id),
            current: .init(name: "B", source: request.b.source, runID: record.id),
            findings: findings, runStatus: record.status, inventory: inventories, strict: request.strict)
    }
}
