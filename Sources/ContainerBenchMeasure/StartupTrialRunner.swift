import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Logging

/// What one trial measures: which image, as which service, on which port.
public struct TrialTarget: Sendable {
    public var image: String
    public var service: String
    public var driver: String
    public var port: Int
    public var health: HealthSpec
    public var readyTimeout: Double
    public var memoryWindow: Double
    public var environment: [String: String]
    public var command: [String]?
    public var load: LoadSpec?

    public init(
        image: String, service: String, driver: String, port: Int, health: HealthSpec, readyTimeout: Double,
        memoryWindow: Double, environment: [String: String] = [:], command: [String]? = nil, load: LoadSpec? = nil
    ) {
        self.image = image
        self.service = service
        self.driver = driver
        self.port = port
        self.health = health
        self.readyTimeout = readyTimeout
        self.memoryWindow = memoryWindow
        self.environment = environment
        self.command = command
        self.load = load
    }
}

/// The instruments a trial is measured with: how readiness is probed, how memory is read, which clock times it.
/// Real ones by default; the test-support target has scripted ones that drive the same runner without an engine.
public struct MeasuringInstruments: Sendable {
    public var probes: any ReadinessProbeFactory
    public var sampler: any MemorySampler
    public var clock: any MeasurementClock

    /// Instruments; the defaults are the real ones (HTTP probe on 127.0.0.1, cgroup files, CLOCK_MONOTONIC).
    public init(
        probes: any ReadinessProbeFactory = HTTPReadinessProbes(),
        sampler: any MemorySampler = CgroupMemorySampler(),
        clock: any MeasurementClock = MonotonicMeasurementClock()
    ) {
        self.probes = probes
        self.sampler = sampler
        self.clock = clock
    }

    /// The real instruments for `engine`: for a local engine (a unix socket) the probe goes to 127.0.0.1 and
    /// memory comes from the cgroup files here; for a remote one the probe crosses the network to the engine's
    /// host (its times include the network) and memory comes from the cgroup files there, read by a helper
    /// container (`EngineHostMemorySampler`; the Engine API's stats when the helper cannot run).
    public static func real(for engine: any ContainerEngine) -> MeasuringInstruments {
        guard !engine.endpoint.isLocal else { return MeasuringInstruments() }
        let sampler: any MemorySampler =
            (engine as? DockerEngine).map { EngineHostMemorySampler(engine: $0) } ?? CgroupMemorySampler()
        return MeasuringInstruments(
            probes: HTTPReadinessProbes(host: engine.endpoint.serviceHost, origin: .acrossNetwork), sampler: sampler)
    }

    /// What a trial measured with these instruments records as its provenance.
    public func provenance(port: Int) -> MeasurementProvenance {
        MeasurementProvenance(
            clock: clock.provenance, probeOrigin: probes.origin,
            probeTarget: HTTPReadinessProbe.authority(host: probes.host, port: port), memorySource: sampler.source,
            memoryIntervalSeconds: sampler.nominalInterval,
            engineTimestamps: probes.origin == .acrossNetwork
                ? "the engine host's wall clock: its offset from this host's enters running and healthy"
                : "this host's wall clock")
    }
}

/// Runs one startup trial: create → start → probe until ready → sample memory through the window → remove.
/// The container is removed whatever happens, and a failing trial is a result with its reason, not a throw.
public struct StartupTrialRunner: Sendable {
    public var engine: any ContainerEngine
    public var events: (any ContainerEventSource)?
    public var instruments: MeasuringInstruments
    public var runID: String
    public var options: TrialOptions
    public var logger: Logger
    /// Called with the container's id and the trial's origin (the clock's reading at the create call) after the
    /// memory window, before the container is removed: lets ground-truth tests and the harness benchmark read the
    /// container's own logs against the phases. Not called when create or start failed.
    public var beforeRemove: (@Sendable (_ containerID: String, _ origin: Double) async -> Void)?

    public init(
        engine: any ContainerEngine, events: (any ContainerEventSource)?, instruments: MeasuringInstruments = .init(),
        runID: String, options: TrialOptions, logger: Logger,
        beforeRemove: (@Sendable (_ containerID: String, _ origin: Double) async -> Void)? = nil
    ) {
        self.engine = engine
        self.events = events
        self.instruments = instruments
        self.runID = runID
        self.options = options
        self.logger = logger
        self.beforeRemove = beforeRemove
    }

    private var clock: any MeasurementClock { instruments.clock }

    /// Measures one trial of `target`.
    public func run(_ target: TrialTarget, index: Int) async -> TrialRecord {
        var record = TrialRecord(
            service: target.service, driver: target.driver, index: index, succeeded: false,
            coldCache: options.coldCache, provenance: instruments.provenance(port: target.port))
        if instruments.probes.portIsTaken(target.port) {
            record.failure = TrialFailure(.portInUse, await portHolder(target))
            return record
        }
        if options.coldCache {
            // Recorded only when the kernel accepted the drop: a trial is never labelled cold on a guess.
            record.coldCache = await runOnBackgroundThread { Self.dropPageCache() }
            if !record.coldCache {
                logger.warning("--cold-cache: could not write /proc/sys/vm/drop_caches (root needed); trial is warm")
            }
        }
        let probe: any ReadinessProbe
        do {
            probe = try instruments.probes.makeProbe(port: target.port, path: target.health.path)
        } catch {
            record.failure = TrialFailure(.probeUnavailable, "could not make the readiness probe: \(error)")
            return record
        }
        let spec = ContainerSpec(
            image: target.image, command: target.command, environment: target.environment,
            labels: [
                ContainerLabels.managed: "1", ContainerLabels.run: runID,
                ContainerLabels.pid: String(ProcessInfo.processInfo.processIdentifier),
                ContainerLabels.service: target.service, ContainerLabels.driver: target.driver,
                ContainerLabels.port: String(target.port),
            ].merging(engine.runner.labels) { _, runner in runner },
            memoryLimit: options.memoryLimit, cpuLimit: options.cpuLimit,
            healthInterval: (options.healthInterval ?? target.health.interval).map { Int64($0 * 1_000_000_000) })
        let origin = clock.now()
        let id: String
        do {
            id = try await engine.createContainer(spec)
        } catch {
            record.failure = TrialFailure(.createFailed, "create failed: \(error)")
            return record
        }
        record.phases.created = clock.now() - origin
        // From here every path ends in removeContainer: the loops below return on cancellation, never throw.
        do {
            try await engine.startContainer(id)
        } catch {
            record.failure = TrialFailure(.startFailed, "start failed: \(error)")
            try? await engine.removeContainer(id)
            return record
        }
        record.phases.started = clock.now() - origin
        let recording = instruments.sampler.start(containerID: id, origin: origin)
        if recording == nil {
            logger.warning("no cgroup memory files found for the container; memory not sampled")
            record.provenance?.memorySource = .none
        }
        var probeAttempts = 0
        let outcome = await waitUntilReady(
            containerID: id, probe: probe, target: target, origin: origin, record: &record, attempts: &probeAttempts)
        if outcome, let inspect = try? await engine.inspectContainer(id),
            let startedAt = inspect.state.startedAt.flatMap(MonotonicClock.parseEngineDate)
        {
            record.phases.running = clock.reading(ofWallDate: startedAt) - origin
        }
        if outcome {
            let readyAt = origin + (record.phases.ready ?? 0)
            if let load = target.load {
                let loadStart = clock.now() - origin
                var result = await LoadGenerator(host: instruments.probes.host, port: target.port, spec: load).measure()
                let loadEnd = clock.now() - origin
                result.memoryPeakBytes = recording?.samples.filter { $0.t >= loadStart && $0.t <= loadEnd }
                    .map(\.workingSetBytes).max()
                record.load = result
            }
            // Keep sampling through the window; watch for `healthy` and for the service dying meanwhile.
            let windowEnd = readyAt + target.memoryWindow
            while clock.now() < windowEnd && !Task.isCancelled {
                let seen = seenEvents(id)
                if let died = seen.death {
                    record.failure = await failure(
                        .exited, "exited with code \(died.exitCode ?? -1) after ready", .afterReady, id,
                        exitCode: died.exitCode)
                    break
                }
                // The image's HEALTHCHECK failing after ready is a failed trial too.
                if seen.unhealthy != nil {
                    record.failure = await failure(.unhealthy, "turned unhealthy after ready", .afterReady, id)
                    break
                }
                if record.phases.healthy == nil, let healthy = seen.healthy {
                    record.phases.healthy = healthy.time - origin
                }
                await clock.sleep(seconds: 0.02)
            }
            // A zero-length window never entered the loop: `healthy` may still have been reported already.
            if record.phases.healthy == nil, let healthy = seenEvents(id).healthy {
                record.phases.healthy = healthy.time - origin
            }
            if record.failure == nil { record.succeeded = true }
        }
        if let beforeRemove { await beforeRemove(id, origin) }
        if let recording {
            let (summary, samples) = await recording.stop()
            if let source = recording.source {
                record.provenance?.memorySource = source
                if source == .engineStats { record.provenance?.memoryIntervalSeconds = 1.0 }
            }
            record.memory = summary
            record.samples = samples
        }
        if logger.logLevel <= .debug {
            // The trial on the monotonic clock, with the container's last log lines (read after the window, so the
            // measurement is not disturbed): what benchmarks/harness/run.sh compares with a service's own stamps.
            let logs = ((try? await engine.logs(id, tail: 20)) ?? "").split(whereSeparator: \.isNewline)
                .joined(separator: " | ")
            var metadata: Logger.Metadata = [
                "container": .string(String(id.prefix(12))), "origin": .string(Self.fixed(origin)),
                "probe_attempts": .stringConvertible(probeAttempts), "logs": .string(logs),
            ]
            metadata["ready"] = .string(Self.fixed(record.phases.ready))
            metadata["first_tcp"] = .string(Self.fixed(record.phases.firstTCP))
            metadata["started"] = .string(Self.fixed(record.phases.started))
            metadata["sample_interval"] = .string(Self.fixed(record.memory?.meanIntervalSeconds))
            logger.debug("trial timeline", metadata: metadata)
        }
        do {
            try await engine.removeContainer(id)
        } catch {
            logger.warning("could not remove container \(id.prefix(12)): \(error)")
        }
        return record
    }

    /// Probes until ready, the container dies or turns unhealthy, or the timeout passes.
    private func waitUntilReady(
        containerID id: String, probe: any ReadinessProbe, target: TrialTarget, origin: Double,
        record: inout TrialRecord, attempts: inout Int
    ) async -> Bool {
        let deadline = origin + target.readyTimeout
        var lastInspect = clock.now()
        var lastStatus: Int?
        while !Task.isCancelled {
            // One look at the event stream per attempt (one lock, one copy), not one per question.
            let seen = seenEvents(id)
            if let died = seen.death {
                record.failure = await failure(
                    .exited, "exited with code \(died.exitCode ?? -1) before ready", .beforeReady, id,
                    exitCode: died.exitCode)
                return false
            }
            if seen.unhealthy != nil {
                record.failure = await failure(.unhealthy, "turned unhealthy before ready", .beforeReady, id)
                return false
            }
            let attempt = await probe.attempt()
            attempts += 1
            if record.phases.firstTCP == nil, let connected = attempt.connectedAt {
                record.phases.firstTCP = connected - origin
            }
            if let status = attempt.status {
                lastStatus = status
                if target.health.accepts(status) {
                    record.phases.ready = attempt.endedAt - origin
                    return true
                }
            }
            let now = clock.now()
            if now >= deadline {
                let seen = lastStatus.map { "last answer HTTP \($0)" } ?? "no HTTP answer"
                record.failure = await failure(
                    .notReady, "not ready within \(target.readyTimeout) s on \(probe.url) (\(seen))", .beforeReady, id)
                return false
            }
            // Without the event stream, ask the engine directly (every 100 ms) whether the container still runs.
            if events?.isConnected != true, now - lastInspect > 0.1 {
                lastInspect = now
                if let inspect = try? await engine.inspectContainer(id), !inspect.state.running {
                    record.failure = await failure(
                        .exited, "exited with code \(inspect.state.exitCode) before ready", .beforeReady, id,
                        exitCode: inspect.state.exitCode)
                    return false
                }
            }
            await clock.sleep(seconds: attempt.startedAt + options.probeInterval - clock.now())
        }
        record.failure = TrialFailure(.interrupted, "interrupted")
        return false
    }

    /// Why `target`'s port is taken: a containerbench container (named, with its run and whether its process lives)
    /// or another process.
    private func portHolder(_ target: TrialTarget) async -> String {
        let ids = (try? await engine.containers(withLabel: "\(ContainerLabels.port)=\(target.port)")) ?? []
        var holders: [String] = []
        for id in ids {
            let labels = (try? await engine.labels(ofContainer: id)) ?? [:]
            let pid = labels[ContainerLabels.pid].flatMap { Int32($0) }
            let alive = pid.map { kill($0, 0) == 0 || errno == EPERM } ?? false
            holders.append(
                "containerbench container \(id.prefix(12)) (service \(labels[ContainerLabels.service] ?? "?"), run "
                    + "\(labels[ContainerLabels.run] ?? "?"), pid \(pid.map(String.init) ?? "?") "
                    + "\(alive ? "still running" : "gone"))")
        }
        guard holders.isEmpty else {
            return
                "port \(target.port) on \(instruments.probes.host) is held by \(holders.joined(separator: ", ")): a probe would "
                + "measure it, not \(target.service). `containerbench gc` removes containers of dead runs; "
                + "`gc --all` those of live ones too."
        }
        return
            "port \(target.port) on \(instruments.probes.host) is already in use by another process: a probe would measure "
            + "that process, not \(target.service). Stop it or change the service's port."
    }

    /// What the engine has reported about one container so far.
    private struct SeenEvents {
        var death: EngineEvent?
        var unhealthy: EngineEvent?
        var healthy: EngineEvent?

        init(_ events: [EngineEvent]) {
            death = events.first { $0.action == "die" }
            unhealthy = events.first { $0.action == "health_status: unhealthy" }
            healthy = events.first { $0.action == "health_status: healthy" }
        }
    }

    private func seenEvents(_ id: String) -> SeenEvents {
        SeenEvents(events?.events(for: id) ?? [])
    }

    /// A failure with the container's last 50 log lines.
    private func failure(
        _ kind: TrialFailure.Kind, _ message: String, _ phase: TrialFailure.Phase, _ id: String, exitCode: Int? = nil
    ) async -> TrialFailure {
        let logs = (try? await engine.logs(id, tail: 50)) ?? "(logs unavailable)"
        return TrialFailure(kind, message, phase: phase, exitCode: exitCode, logs: logs)
    }

    /// Seconds with nine decimals (nanoseconds), or "-".
    static func fixed(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.9f", $0) } ?? "-"
    }

    /// Writes back dirty pages and drops the page cache, dentries and inodes (root only; blocking).
    /// - Returns: whether the kernel accepted the request.
    @discardableResult
    package static func dropPageCache() -> Bool {
        sync()
        guard let handle = FileHandle(forWritingAtPath: "/proc/sys/vm/drop_caches") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("3\n".utf8))
            return true
        } catch {
            return false
        }
    }
}
