import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Testing

/// The whole measuring path against the real engine: BuildKit builds of the fixture with uv and pip, trials,
/// memory, sizes, the history round trip, and nothing left behind.
@Suite("Run pipeline (engine)", .serialized)
struct RunPipelineTests {
    @Test func fixtureRunIsMeasuredStoredAndCleanedUp() async throws {
        let engine = try await EngineRequirement.engine()
        let client = try await BuildKitClient.discover(endpoint: engine.endpoint)
        var suite = try SuiteLoader.load(path: Binary.packageRoot.appendingPathComponent("benchmarks/suite.yaml").path)
        suite.services = suite.services.filter { $0.name == "fixture" }
        suite.services[0].memoryWindow = 1
        suite.services[0].load = LoadSpec(path: "/work", requests: 20, concurrency: 2)
        let plan = RunPlan(suite: suite, scenarios: [.cold, .warm], trials: 2, measureFloor: true)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/history.sqlite")
        let session = RunSession(
            engine: engine,
            builder: BuildKitImageBuilder(client: client, engine: engine, logger: Logger(label: "test")),
            store: store, logger: Logger(label: "test"))
        let runID = RunRecord.makeID()
        let outcome = await session.measure(plan, runID: runID)
        let record = outcome.record

        #expect(record.status == .completed, "\(record.errors)")
        #expect(
            Set(record.builds.map { "\($0.driver)/\($0.scenario.rawValue)" }) == [
                "uv/cold", "pip/cold", "uv/warm", "pip/warm",
            ])
        #expect(record.builds.allSatisfy { $0.succeeded && $0.seconds > 0 && $0.imageID != nil })
        // A warm build reuses every layer: it is faster than the cold one of the same driver.
        for driver in ["uv", "pip"] {
            let cold = try #require(record.builds.first { $0.driver == driver && $0.scenario == .cold })
            let warm = try #require(record.builds.first { $0.driver == driver && $0.scenario == .warm })
            #expect(warm.seconds < cold.seconds, "\(driver): warm \(warm.seconds) s vs cold \(cold.seconds) s")
            #expect(cold.installSeconds != nil, "the dependency install step is recognised in BuildKit's output")
        }
        #expect(record.images.count == 2)
        for image in record.images {
            #expect(image.bytes > 100_000_000 && image.bytes < 450_000_000)
            #expect(image.layers.count > 3)
            #expect(image.hasHealthcheck)
            #expect(image.user?.hasPrefix("10000") == true)
            #expect((image.uniqueBytes ?? -1) >= 0)
        }
        #expect(record.trials.count == 4)
        for trial in record.trials {
            #expect(trial.succeeded, "\(trial.failure?.description ?? "")")
            let phases = trial.phases
            let created = try #require(phases.created)
            let started = try #require(phases.started)
            let firstTCP = try #require(phases.firstTCP)
            let ready = try #require(phases.ready)
            #expect(created < started && started <= firstTCP + 0.01 && firstTCP <= ready)
            #expect(ready < 8)
            let memory = try #require(trial.memory)
            #expect(memory.peakBytes > 5_000_000 && memory.peakBytes < 500_000_000)
            #expect(memory.sampleCount >= 20, "the sampler runs at 40 Hz over >= 1 s")
            #expect(memory.meanIntervalSeconds < 0.05)
            #expect(trial.load?.failures == 0)
            #expect(trial.load?.requests == 20)
        }
        // Trials alternate between drivers: never the same driver three times in a row.
        #expect(record.trials.map(\.driver) == ["uv", "pip", "pip", "uv"])
        #expect(record.floorTrials.count == 2 && record.floorTrials.allSatisfy(\.succeeded))
        #expect(outcome.policy.filter { $0.outcome == .fail }.isEmpty, "\(outcome.policy)")

        let leftovers = try await EngineRequirement.leftovers(engine, runID: runID)
        #expect(leftovers.isEmpty, "containers left behind: \(leftovers)")

        let evaluation = try RunAnalysis().evaluate(
            record, targets: try TargetsLoader.load(path: Binary.packageRoot.path + "/baselines/targets.yaml"),
            policy: outcome.policy, store: store, baseline: .lastGood(5))
        try store.save(record, evaluation: evaluation)
        let loaded = try #require(try store.run(id: runID))
        #expect(loaded == record)
        // Nothing breaches. Exact and observed-max budgets pass; a p95 from 2 trials cannot be shown below its
        // limit at 95% (0.18 s against 8 s), so it is inconclusive and says how many trials would decide.
        #expect(!evaluation.budgets.contains { $0.outcome == .fail }, "\(evaluation.budgets)")
        for verdict in evaluation.budgets {
            if verdict.statistic == .p95 {
                #expect(verdict.outcome == .inconclusive, "\(verdict)")
                #expect((verdict.decision?.trialsNeeded ?? 0) > 2, "\(verdict)")
            } else {
                #expect(verdict.outcome == .pass, "\(verdict)")
            }
        }
        #expect(!evaluation.ratios.contains { $0.outcome == .fail }, "\(evaluation.ratios)")
    }
}

/// The run session's conformance bodies on dockerd: the same bodies the unit tests run on the in-memory engine.
@Suite("Run session (engine)", .serialized)
struct RunSessionEngineTests {
    @Test("trials alternate A B, B A and nothing is left behind (dockerd)")
    func interleavedTrials() async throws {
        try await SessionConformance.interleavedTrialsLeaveNothingBehind(try await SessionRig.docker())
    }

    @Test("the stages of a run report in order, and the run is stored with its reports (dockerd)")
    func stagesInOrder() async throws {
        try await SessionConformance.stagesRunInOrder(try await SessionRig.docker())
    }
}
