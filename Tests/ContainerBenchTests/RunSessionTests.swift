import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Synchronization
import Testing

/// The run session driven by the in-memory engine: the orchestration (order, cleanup, confirmation, failures that
/// stay local) without dockerd. The same bodies of `SessionConformance` run on dockerd in EngineTests.
@Suite("Run session (in-memory engine)")
struct RunSessionTests {
    @Test("trials alternate A B, B A and nothing is left behind (in-memory rig)")
    func interleavedTrials() async throws {
        let rig = SessionRig.inMemory()
        try await SessionConformance.interleavedTrialsLeaveNothingBehind(rig)
        let engine = try #require(rig.inMemory)
        // Each container is created, started and removed before the next one is created: one trial at a time.
        var expected: [InMemoryContainerEngine.Call] = []
        for call in engine.calls {
            if case .create(_, let id) = call { expected += [call, .start(id: id), .remove(id: id)] }
        }
        #expect(engine.calls.filter { $0 != .prune } == expected)
        // Each run tags its own images (`ImageTag`): the tags carry its id.
        let ids = Set(engine.createdImages.map { $0.split(separator: "-", maxSplits: 1).last.map(String.init) ?? "" })
        #expect(ids.count == 1 && ids.first?.hasPrefix("20") == true, "\(engine.createdImages)")
        #expect(
            engine.createdImages.map(InMemoryContainerEngine.withoutRunID) == [
                "containerbench/fixture:uv", "containerbench/fixture:pip", "containerbench/fixture:pip",
                "containerbench/fixture:uv", "containerbench/fixture:uv", "containerbench/fixture:pip",
            ])
        // Every container carries the labels gc finds it by.
        for labels in engine.createdLabels {
            #expect(labels[ContainerLabels.managed] == "1" && labels[ContainerLabels.pid] != nil)
            #expect(labels[ContainerLabels.runner] == engine.runner.id && labels[ContainerLabels.host] != nil)
        }
    }

    @Test("the stages of a run report in order, and the run is stored with its reports (in-memory rig)")
    func stagesInOrder() async throws {
        try await SessionConformance.stagesRunInOrder(SessionRig.inMemory())
    }

    @Test("the engine floor runs between inspection and the trials, on the suite's Python base")
    func floorBetweenInspectAndTrials() async throws {
        let rig = SessionRig.inMemory()
        let events = Mutex<[ProgressEvent.Stage]>([])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let session = rig.session(store: store) { event in
            events.withLock { if $0.last != event.stage { $0.append(event.stage) } }
        }
        let record = await session.measure(rig.plan(trials: 2, measureFloor: true)).record
        #expect(events.withLock { $0 } == [.build, .inspect, .floor, .trial, .done])
        #expect(record.floorTrials.count == 2 && record.floorTrials.allSatisfy(\.succeeded))
        #expect(
            rig.inMemory.map { Array($0.createdImages.prefix(2)) }
                == Array(repeating: "containerbench-test/python:base", count: 2))
    }

    @Test("the schedule interleaves pairs with different trial counts and gives each its count")
    func schedulerWithUnevenCounts() {
        let a = ServiceDriver(service: "a", driver: "uv")
        let b = ServiceDriver(service: "b", driver: "uv")
        let c = ServiceDriver(service: "c", driver: "pip")
        let counts = [a: 3, b: 1, c: 2]
        let slots = TrialScheduler.schedule(pairs: [a, b, c]) { counts[$0] ?? 0 }
        #expect(slots.map(\.description) == ["a/uv#0", "b/uv#0", "c/pip#0", "c/pip#1", "a/uv#1", "a/uv#2"])
        #expect(TrialScheduler.schedule(pairs: []) { _ in 5 }.isEmpty)
        #expect(TrialScheduler.schedule(pairs: [a]) { _ in 0 }.isEmpty)
    }

    @Test("an unknown --baseline is refused before anything is built or started")
    func unknownBaselineIsRefusedFirst() async throws {
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        for baseline in [BaselineSelection.named("nightly-typo"), .run("20990101T000000Z-deadbeef")] {
            let request = RunRequest(
                plan: rig.plan(), targets: nil, baseline: baseline, resultsDirectory: directory.url)
            await #expect(throws: SessionError.self) { try await rig.session(store: store).run(request) }
            do {
                _ = try await rig.session(store: store).run(request)
            } catch {
                #expect(error.status == .usageError)
                #expect(error.message.contains("--baseline"), "\(error.message)")
            }
        }
        #expect(rig.scripted?.requests.isEmpty == true, "nothing was built")
        #expect(rig.inMemory?.calls.isEmpty == true, "no container was made")
        #expect(try store.runs().isEmpty, "nothing was stored")
    }

    @Test("one driver's failed build fails the run; the other driver is still built and measured")
    func failedBuildStaysLocal() async throws {
        let rig = SessionRig.inMemory { request, _ in
            request.driver.name == "pip"
                ? .init(failure: "ERROR: No matching distribution found for humanize==99") : .init()
        }
        let record = await rig.session(store: try Self.store()).measure(rig.plan(trials: 2)).record
        #expect(record.status == .failed)
        #expect(record.builds.count == 2)
        #expect(record.trials.map(\.driver) == ["uv", "uv"] && record.trials.allSatisfy(\.succeeded))
        #expect(record.errors.contains { $0.contains("fixture/pip") && $0.contains("humanize==99") })
    }

    @Test("trial failures are recorded as their case: exit, timeout, unhealthy, port in use")
    func trialFailureCases() async throws {
        let scripts: [String: ContainerScript] = [
            "uv": ContainerScript(readyAfter: nil, exitAfter: 0.3, exitCode: 3, logs: "boom\nFIXTURE_EXITING"),
            "pip": ContainerScript(readyAfter: nil, unhealthyAfter: 0.4),
        ]
        let rig = SessionRig.inMemory { request, _ in .init(script: scripts[request.driver.name] ?? .init()) }
        let record = await rig.session(store: try Self.store()).measure(rig.plan(trials: 1)).record
        let uv = try #require(record.trials.first { $0.driver == "uv" }?.failure)
        #expect(uv.kind == .exited && uv.phase == .beforeReady && uv.exitCode == 3)
        #expect(uv.logs?.contains("FIXTURE_EXITING") == true)
        let pip = try #require(record.trials.first { $0.driver == "pip" }?.failure)
        #expect(pip.kind == .unhealthy && pip.phase == .beforeReady)

        let slow = SessionRig.inMemory { _, _ in .init(script: ContainerScript(readyAfter: nil, statusBeforeReady: 503))
        }
        var plan = slow.plan(trials: 1)
        plan.suite.services[0].readyTimeout = 1
        let timedOut = await slow.session(store: try Self.store()).measure(plan).record
        let failure = try #require(timedOut.trials.first?.failure)
        #expect(failure.kind == .notReady && failure.message.contains("last answer HTTP 503"), "\(failure)")

        let taken = SessionRig.inMemory()
        taken.inMemory?.setForeignPort(8080)
        let impostor = await taken.session(store: try Self.store()).measure(taken.plan(trials: 1)).record
        #expect(impostor.trials.allSatisfy { $0.failure?.kind == .portInUse })
        #expect(taken.inMemory?.createdImages.isEmpty == true, "no container is started on a taken port")
    }

    @Test("cancelling stops after the current step: the run is interrupted, stored, and nothing is left")
    func cancellationInterrupts() async throws {
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let control = RunControl()
        let session = rig.session(store: store) { event in
            if event.stage == .trial && event.message.hasPrefix("trial 2/") { control.cancel() }
        }
        let result = try await session.run(
            RunRequest(plan: rig.plan(trials: 4), targets: nil, baseline: .none, resultsDirectory: directory.url),
            control: control)
        #expect(result.record.status == .interrupted)
        #expect(result.verdict == .interrupted)
        #expect(result.record.trials.count < 8)
        #expect(rig.inMemory?.liveContainers.isEmpty == true)
        #expect(try store.run(id: result.record.id)?.status == .interrupted)
    }

    /// The baseline's runs for the confirmation tests: `count` runs of the rig stored in `store`, their images kept.
    static func baselineRuns(_ count: Int, session: RunSession, rig: SessionRig, directory: TemporaryDirectory)
        async throws
    {
        for _ in 0..<count {
            let result = try await session.run(
                RunRequest(plan: rig.plan(trials: 10), targets: nil, baseline: .none, resultsDirectory: directory.url))
            #expect(result.verdict == .pass)
        }
    }

    @Test("a suspected regression is confirmed by an A/B of the baseline's kept image against the current one")
    func confirmationKeepsARepeatedRegression() async throws {
        let pipReady = Mutex(0.2)
        let rig = SessionRig.inMemory { request, _ in
            let ready = request.driver.name == "pip" ? pipReady.withLock { $0 } : 0.2
            return .init(script: ContainerScript(listenAfter: ready / 2, readyAfter: ready))
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let session = rig.session(store: store)
        try await Self.baselineRuns(3, session: session, rig: rig, directory: directory)
        let engine = try #require(rig.inMemory)
        let kept = try await engine.imageTags(repository: KeptImages.repository(service: "fixture"))
        #expect(kept.count == 4, "two runs' images kept per driver: \(kept)")

        pipReady.withLock { $0 = 0.3 }
        let before = engine.createdImages.count
        let result = try await session.run(
            RunRequest(
                plan: rig.plan(trials: 10), targets: nil, baseline: .lastGood(10), resultsDirectory: directory.url))
        #expect(result.verdict == .regression)
        let startup = try #require(
            result.evaluation.regressions.first { $0.driver == "pip" && $0.metric == .startupSeconds })
        #expect(startup.change == .regression && startup.confirmation?.verdict == .confirmed)
        #expect(result.confirmationTrials >= 10)
        #expect(result.record.warnings.contains { $0.contains("confirmed by a same-sitting A/B") })
        // The A/B ran pip only: the kept baseline image and the current one, interleaved.
        let confirmation = engine.createdImages.dropFirst(before + 20)
        #expect(
            Set(confirmation).count == 2 && confirmation.allSatisfy { $0.contains("pip") }, "\(Array(confirmation))")
        #expect(!result.evaluation.regressions.contains { $0.driver == "uv" && $0.isAlert })
        #expect(try store.run(id: result.record.id)?.status == .completed)
    }

    @Test("a regression the same-sitting A/B does not repeat is dropped, and the run passes")
    func confirmationDropsATransientRegression() async throws {
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let session = rig.session(store: store)
        try await Self.baselineRuns(3, session: session, rig: rig, directory: directory)
        // The next run's first 10 pip containers are slow (a noisy neighbour), the A/B's are not.
        let engine = try #require(rig.inMemory)
        let slowed = Mutex(0)
        engine.override("containerbench/fixture:pip") { ordinal in
            let made = slowed.withLock { count -> Int in
                count += 1
                return count
            }
            return made <= 10 ? ContainerScript(listenAfter: 0.15, readyAfter: 0.3) : nil
        }
        _ = engine
        let result = try await session.run(
            RunRequest(
                plan: rig.plan(trials: 10), targets: nil, baseline: .lastGood(10), resultsDirectory: directory.url))
        #expect(result.confirmationTrials > 0, "the first measurement was suspected")
        #expect(result.verdict == .pass)
        #expect(result.record.warnings.contains { $0.contains("not confirmed") })
        #expect(result.evaluation.regressions.filter(\.isAlert).isEmpty)
    }

    @Test("without a kept image of the baseline, a suspicion is judged without confirmation, and says so")
    func noKeptImage() async throws {
        let pipReady = Mutex(0.2)
        let rig = SessionRig.inMemory { request, _ in
            .init(script: ContainerScript(readyAfter: request.driver.name == "pip" ? pipReady.withLock { $0 } : 0.2))
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let session = rig.session(store: store)
        try await Self.baselineRuns(3, session: session, rig: rig, directory: directory)
        let engine = try #require(rig.inMemory)
        for tag in try await engine.imageTags(repository: KeptImages.repository(service: "fixture")) {
            try await engine.removeImage(tag)
        }
        pipReady.withLock { $0 = 0.4 }
        let result = try await session.run(
            RunRequest(
                plan: rig.plan(trials: 10), targets: nil, baseline: .lastGood(10), resultsDirectory: directory.url))
        let startup = try #require(
            result.evaluation.regressions.first { $0.driver == "pip" && $0.metric == .startupSeconds })
        #expect(startup.confirmation == nil)
        #expect(startup.note?.contains("no kept image") == true, "\(startup.note ?? "")")
        #expect(result.confirmationTrials == 0)
    }

    @Test("measuring commands open engine, build client, lock, then history; a failure stops the rest")
    func openingOrder() async throws {
        let log = Mutex<[MeasuringSession.Step]>([])
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        struct Refused: Error {}
        func open(failing: MeasuringSession.Step?) async throws -> MeasuringSession {
            func step(_ name: MeasuringSession.Step) throws {
                log.withLock { $0.append(name) }
                if name == failing { throw Refused() }
            }
            return try await MeasuringSession.open(
                engine: {
                    try step(.engine)
                    return rig.engine
                },
                builder: { _ in
                    try step(.builder)
                    return (rig.builder, nil)
                },
                lock: { _ in
                    try step(.lock)
                    return try HostLock(path: directory.path + "/lock")
                },
                history: {
                    try step(.history)
                    return try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
                })
        }
        _ = try await open(failing: nil)
        #expect(log.withLock { $0 } == [.engine, .builder, .lock, .history])
        for failing in MeasuringSession.Step.allCases {
            log.withLock { $0 = [] }
            await #expect(throws: SessionError.self) { try await open(failing: failing) }
            let steps = log.withLock { $0 }
            #expect(
                steps.last == failing
                    && steps.count == (MeasuringSession.Step.allCases.firstIndex(of: failing) ?? 0) + 1)
        }
    }

    static func store() throws -> SQLiteHistoryStore {
        let directory = try TemporaryDirectory()
        return try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
    }
}
