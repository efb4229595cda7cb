import ContainerBenchAnalysis
import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchMeasure
import ContainerBenchModel
import Foundation
import Logging

/// A step of a run, for progress displays.
public struct ProgressEvent: Sendable {
    public enum Stage: String, Sendable { case prepare, build, inspect, floor, trial, done }
    public var stage: Stage
    public var service: String?
    public var driver: String?
    /// 1-based position of this step among the run's steps, and their count.
    public var step: Int
    public var steps: Int
    public var message: String
}

/// What a run produced: the record to store and the policy findings of its images.
public struct RunOutcome: Sendable {
    public var record: RunRecord
    public var policy: [PolicyFinding]
}

/// Runs a plan end to end: builds, image inspection, engine floor, interleaved trials. Never throws for a failing
/// part: failures are recorded in the run (status `failed`, with errors) so that nothing measured is lost; only a
/// missing engine or build client before anything started throws.
public struct BenchmarkRunner: Sendable {
    public var engine: DockerEngine
    public var client: BuildKitClient
    public var logger: Logger
    public var progress: @Sendable (ProgressEvent) -> Void

    public init(
        engine: DockerEngine, client: BuildKitClient, logger: Logger,
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) {
        self.engine = engine
        self.client = client
        self.logger = logger
        self.progress = progress
    }

    /// The image tag a service × driver gets for `scenario`.
    public static func tag(service: String, driver: String, scenario: BuildScenario) -> String {
        scenario == .cold
            ? "containerbench/\(service):\(driver)" : "containerbench/\(service):\(driver)-\(scenario.rawValue)"
    }

    /// Runs `plan`. The returned record's status says how it ended.
    public func run(_ plan: RunPlan, runID: String = RunRecord.makeID()) async -> RunOutcome {
        var policy: [PolicyFinding] = []
        let record = await measure(plan, runID: runID, policy: &policy)
        // Rebuilt images take over their tags; the untagged predecessors would pile up run after run.
        do {
            try await engine.pruneDanglingImages(withLabel: "\(ContainerLabels.managed)=1")
        } catch {
            logger.warning("could not prune the previous runs' untagged images: \(error)")
        }
        return RunOutcome(record: record, policy: policy)
    }

    private func measure(_ plan: RunPlan, runID: String, policy: inout [PolicyFinding]) async -> RunRecord {
        let suite = plan.suite
        let work = plan.workDirectory.appendingPathComponent("containerbench-\(runID)")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let environment = await EnvironmentProbe.fingerprint(
            engine: engine, client: client, suite: suite, options: plan.options, indexMode: plan.indexMode.rawValue)
        var record = RunRecord(
            id: runID, startedAt: Self.millisecondDate(), label: plan.label, suite: suite.source,
            environment: environment)
        let events = EngineEventStream(socketPath: engine.socketPath, label: "\(ContainerLabels.run)=\(runID)")
        defer { events.stop() }
        if !events.isConnected {
            record.warnings.append("the engine event stream is unavailable: healthy is not timed, exits polled")
        }
        for service in suite.services { record.warnings += FairnessLint.check(service: service) }

        let pairs = suite.services.flatMap { service in service.drivers.map { (service, $0) } }
        let trialCount = { (service: ServiceSpec) in plan.trials ?? service.trials }
        let totalSteps =
            pairs.count * plan.scenarios.count + pairs.count
            + pairs.map { trialCount($0.0) }.reduce(0, +)
            + (plan.measureFloor ? (suite.services.map(trialCount).max() ?? 0) : 0)
        var step = 0
        func report(_ stage: ProgressEvent.Stage, _ service: String?, _ driver: String?, _ message: String) {
            step = min(step + 1, totalSteps)
            progress(
                ProgressEvent(
                    stage: stage, service: service, driver: driver, step: step, steps: totalSteps, message: message))
        }

        var localIndex: LocalPackageIndex?
        if plan.indexMode == .local {
            report(.prepare, nil, nil, "local package index")
            do {
                localIndex = try await startLocalIndex(plan)
            } catch {
                record.errors.append("--index local: \(error)")
                return finish(record, status: .failed, note: nil)
            }
        }
        defer { localIndex?.stop() }

        // Builds: every scenario in order, alternating the driver order per service so that neither always goes
        // first against a machine that warms up.
        var builder = ImageBuilder(
            client: client, socketPath: engine.socketPath, baseImageMap: suite.baseImages, workDirectory: work,
            logger: logger)
        builder.localIndex = localIndex?.baseURL
        var builtImages: [String: String] = [:]  // "service/driver" -> image id of the cold (or first) build
        for scenario in plan.scenarios {
            for (serviceIndex, service) in suite.services.enumerated() {
                let drivers = serviceIndex % 2 == 0 ? service.drivers : service.drivers.reversed()
                for driver in drivers {
                    if Task.isCancelled {
                        return finish(record, status: .interrupted, note: "interrupted while building")
                    }
                    report(.build, service.name, driver.name, "build \(scenario.rawValue)")
                    let tag = Self.tag(service: service.name, driver: driver.name, scenario: scenario)
                    let request = BuildRequest(
                        service: service, driver: driver, scenario: scenario, tag: tag, runID: runID)
                    do {
                        let build = try await builder.build(request, engine: engine)
                        record.builds.append(build)
                        if build.succeeded {
                            let key = "\(service.name)/\(driver.name)"
                            if builtImages[key] == nil || scenario == .cold { builtImages[key] = tag }
                        } else {
                            record.errors.append(
                                "build of \(service.name)/\(driver.name) (\(scenario.rawValue)) failed:\n"
                                    + (build.logTail ?? ""))
                        }
                    } catch {
                        record.errors.append("build of \(service.name)/\(driver.name) (\(scenario.rawValue)): \(error)")
                        record.builds.append(
                            BuildRecord(
                                service: service.name, driver: driver.name, scenario: scenario, seconds: 0,
                                succeeded: false, logTail: "\(error)"))
                    }
                }
            }
        }

        // Images: size, layers, configuration, policy.
        for (service, driver) in pairs {
            guard let tag = builtImages["\(service.name)/\(driver.name)"] else { continue }
            report(.inspect, service.name, driver.name, "inspect image")
            do {
                var (image, findings) = try await inspectImage(
                    tag, service: service, driver: driver, baseImages: suite.baseImages)
                if plan.measureCompressedSize {
                    do {
                        let meter = CompressedSizeMeter(workDirectory: work)
                        let size = try await meter.measure(image: tag, engine: engine)
                        image.compressedBytes = size.compressedBytes
                        if size.waste.wastedBytes >= 1_000_000 {
                            record.warnings.append(
                                "\(service.name)/\(driver.name): \(size.waste.wastedBytes / 1_000_000) MB in the "
                                    + "layers are files a later layer overwrites or deletes (efficiency "
                                    + String(format: "%.1f", size.waste.efficiency * 100) + " %)")
                        }
                        logger.info(
                            "compressed size",
                            metadata: [
                                "image": .string(tag), "bytes": .stringConvertible(size.compressedBytes),
                                "seconds": .string(String(format: "%.1f", size.seconds)),
                            ])
                    } catch {
                        record.warnings.append("compressed size of \(tag) not measured: \(error)")
                    }
                }
                record.images.append(image)
                policy += findings
            } catch {
                record.errors.append("inspect of \(tag): \(error)")
            }
        }

        // Engine floor: the same base running the smallest possible HTTP server.
        if plan.measureFloor, let base = await floorImage(suite: suite) {
            let rounds = suite.services.map(trialCount).max() ?? 0
            let runner = StartupTrialRunner(
                engine: engine, events: events, runID: runID, options: plan.options, logger: logger)
            let port = HTTPReadinessProbe.freePort() ?? 18_999
            let target = TrialTarget(
                image: base, service: "engine-floor", driver: "base", port: port, health: HealthSpec(path: "/"),
                readyTimeout: 30, memoryWindow: 0,
                command: ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"])
            for index in 0..<rounds {
                if Task.isCancelled {
                    return finish(record, status: .interrupted, note: "interrupted during the floor")
                }
                report(.floor, "engine-floor", "base", "trial \(index + 1)/\(rounds)")
                record.floorTrials.append(await runner.run(target, index: index))
            }
        }

        // Trials, interleaved: round r runs every service × driver once (A B, then B A in the next round).
        let runner = StartupTrialRunner(
            engine: engine, events: events, runID: runID, options: plan.options, logger: logger)
        let rounds = suite.services.map(trialCount).max() ?? 0
        for round in 0..<rounds {
            for (service, driver) in (round % 2 == 0 ? pairs : pairs.reversed()) {
                guard round < trialCount(service), let tag = builtImages["\(service.name)/\(driver.name)"] else {
                    continue
                }
                if Task.isCancelled { return finish(record, status: .interrupted, note: "interrupted during trials") }
                report(.trial, service.name, driver.name, "trial \(round + 1)/\(trialCount(service))")
                let target = TrialTarget(
                    image: tag, service: service.name, driver: driver.name, port: service.port,
                    health: service.health, readyTimeout: service.readyTimeout, memoryWindow: service.memoryWindow,
                    environment: service.environment, load: service.load)
                let trial = await runner.run(target, index: round)
                if !trial.succeeded {
                    record.errors.append(
                        "trial \(round + 1) of \(service.name)/\(driver.name) failed: \(trial.failure ?? "unknown")")
                }
                record.trials.append(trial)
            }
        }
        if Task.isCancelled { return finish(record, status: .interrupted, note: "interrupted") }
        report(.done, nil, nil, "done")
        return finish(record, status: record.errors.isEmpty ? .completed : .failed, note: nil)
    }

    private func finish(_ record: RunRecord, status: RunStatus, note: String?) -> RunRecord {
        var record = record
        record.status = status
        record.finishedAt = Self.millisecondDate()
        if let note { record.errors.append(note) }
        return record
    }

    /// Downloads the suite's locked wheels into the plan's cache (once) and serves them on 127.0.0.1.
    func startLocalIndex(_ plan: RunPlan) async throws -> LocalPackageIndex {
        guard let base = await floorImage(suite: plan.suite) else {
            throw BuildError(
                "no Python base image of the suite is present to download wheels with; run "
                    + "`containerbench bootstrap` first")
        }
        var files: [URL] = []
        for service in plan.suite.services {
            let context = URL(fileURLWithPath: service.context)
            let names = ["requirements.txt"] + service.scenarios.depsChange.values.filter { $0.hasSuffix(".txt") }
            for name in names.sorted() {
                let file = context.appendingPathComponent(name).standardizedFileURL
                if FileManager.default.fileExists(atPath: file.path), !files.contains(file) { files.append(file) }
            }
        }
        let cache = plan.wheelCache.standardizedFileURL
        try await WheelPrefetcher(client: client, socketPath: engine.socketPath, baseImage: base, logger: logger)
            .fetch(requirements: files, into: cache)
        let index = try LocalPackageIndex(directory: cache)
        logger.info("local package index", metadata: ["url": .string(index.url), "wheels": .string(cache.path)])
        return index
    }

    /// Now, to the millisecond: the history stores dates in milliseconds.
    static func millisecondDate() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// Inspects a built image: size, layers, base share, user, healthcheck.
    func inspectImage(
        _ tag: String, service: ServiceSpec, driver: DriverSpec, baseImages: [String: String]
    ) async throws -> (ImageRecord, [PolicyFinding]) {
        guard let inspect = try await engine.inspectImage(tag) else {
            throw EngineError(.notFound, "image \(tag) vanished after its build")
        }
        let history = try await engine.imageHistory(tag)
        let layers = history.reversed().map { ImageLayer(createdBy: $0.createdBy, bytes: $0.size) }
        var baseBytes: Int64?
        if let text = try? String(contentsOfFile: driver.dockerfile, encoding: .utf8),
            let finalBase = Self.finalStageBase(text)
        {
            let local = (try? await engine.inspectImage(finalBase)) ?? nil
            if let local {
                baseBytes = local.size
            } else if let mapped = baseImages[finalBase] {
                baseBytes = ((try? await engine.inspectImage(mapped)) ?? nil)?.size
            }
        }
        let image = ImageRecord(
            service: service.name, driver: driver.name, imageID: inspect.id, bytes: inspect.size, baseBytes: baseBytes,
            layers: layers, user: inspect.config?.user, hasHealthcheck: inspect.config?.healthcheck?.isDeclared ?? false
        )
        let findings = ImagePolicy.check(
            service: service.name, driver: driver.name, configuration: inspect.configuration,
            buildArgs: driver.buildArgs)
        return (image, findings)
    }

    /// The image the last stage starts FROM, with ARG defaults substituted.
    static func finalStageBase(_ dockerfile: String) -> String? {
        var args: [String: String] = [:]
        var last: String?
        for line in dockerfile.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first?.uppercased() else { continue }
            if first == "ARG", words.count >= 2, let equals = words[1].firstIndex(of: "=") {
                args[String(words[1][..<equals])] = String(words[1][words[1].index(after: equals)...])
                    .trimmingCharacters(in: ["\""])
            } else if first == "FROM" {
                var image = words.dropFirst().first { !$0.hasPrefix("--") } ?? ""
                for (name, value) in args {
                    image = image.replacingOccurrences(of: "${\(name)}", with: value)
                        .replacingOccurrences(of: "$\(name)", with: value)
                }
                last = image
            }
        }
        return last
    }

    /// The local base image for the engine floor: the first mapped Python base that exists.
    func floorImage(suite: Suite) async -> String? {
        for (original, local) in suite.baseImages.sorted(by: { $0.key < $1.key }) where original.contains("python") {
            if (try? await engine.inspectImage(original)) ?? nil != nil { return original }
            if (try? await engine.inspectImage(local)) ?? nil != nil { return local }
        }
        return nil
    }
}
