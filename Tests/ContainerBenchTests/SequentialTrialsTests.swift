import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `--trials auto`, `ab`'s rounds and `judge`, driven by the in-memory engine.
@Suite("Sequential trials and judging again (in-memory engine)")
struct SequentialTrialsTests {
    /// A p95 startup budget close to a service's startup keeps it undecided at 10 trials; a distant one does not.
    @Test("--trials auto adds rounds only where a budget is undecided, within the plan's maximum")
    func autoAddsRoundsWhereUndecided() async throws {
        // uv is ready ~0.28 s after the create call, pip ~0.44 s (3% jitter); the budget is p95 < 0.47 s.
        let rig = SessionRig.inMemory { request, _ in
            .init(script: ContainerScript(listenAfter: 0.05, readyAfter: request.driver.name == "uv" ? 0.2 : 0.36))
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        var plan = rig.plan(trials: VerdictPolicy.standard.autoPlan.firstLookTrials)
        plan.adaptiveTrials = true
        let targets = Targets(
            source: "t", budgets: [Budget(id: "startup", metric: .startupSeconds, statistic: .p95, max: 0.47)])
        let result = try await rig.session(store: store).run(
            RunRequest(plan: plan, targets: targets, baseline: .none, resultsDirectory: directory.url))
        let counts = Dictionary(grouping: result.record.trials, by: \.driver).mapValues(\.count)
        #expect(counts["uv"] == 10, "decided at the first look: \(counts)")
        #expect((counts["pip"] ?? 0) > 10 && (counts["pip"] ?? 0) <= 40, "\(counts)")
        let uv = try #require(result.evaluation.budgets.first { $0.driver == "uv" })
        #expect(uv.outcome == .pass)
        #expect(uv.decision.map { $0.level < 0.95 } == false, "judged at the last look's share of the error")
    }

    static func abRequest(_ directory: TemporaryDirectory, adaptive: Bool = true) throws -> ABRequest {
        let file = try directory.write("Dockerfile", "FROM python:3.12-slim-bookworm\nCMD [\"serve\"]\n")
        return try ABRequest(
            a: try ABVariant(dockerfile: file), b: try ABVariant(dockerfile: file), name: "svc", port: 8080,
            trials: 5, memoryWindow: 0.2,
            baseImages: BaseImageMap(images: ["python:3.12-slim-bookworm": "containerbench-test/python:base"]),
            adaptive: adaptive)
    }

    @Test("ab of one image against itself does not alert; a variant 20% slower is found, in rounds")
    func abRounds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let same = SessionRig.inMemory { _, _ in .init(script: ContainerScript(listenAfter: 0.1, readyAfter: 0.3)) }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let aa = try await ABRunner(session: same.session(store: store)).run(try Self.abRequest(directory))
        #expect(aa.report.exitStatus == .pass, "\(aa.report.renderTable())")
        #expect(aa.report.findings.filter(\.isAlert).isEmpty)

        let slower = SessionRig.inMemory { request, _ in
            .init(
                script: ContainerScript(listenAfter: 0.1, readyAfter: request.driver.name == "b" ? 0.36 : 0.3))
        }
        let ab = try await ABRunner(session: slower.session(store: store)).run(try Self.abRequest(directory))
        #expect(ab.report.exitStatus == .regression, "\(ab.report.renderTable())")
        let startup = try #require(ab.report.findings.first { $0.metric == .startupSeconds })
        #expect(startup.change == .regression && startup.ratio > 1.1 && startup.ratio < 1.25, "\(startup.ratio)")
        #expect(ab.record.trials.count >= 10)
    }

    @Test("judge: a stored run judged against a changed budget, without measuring; the history keeps its own verdict")
    func judgeAgain() async throws {
        let rig = SessionRig.inMemory()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/h.sqlite")
        let original = try await rig.session(store: store).run(
            RunRequest(
                plan: rig.plan(trials: 5), targets: Targets.builtIn, baseline: .none, resultsDirectory: directory.url))
        #expect(original.verdict == .pass)
        let created = rig.inMemory?.calls.count
        // A release tightens startup to a max of 150 ms: every trial (ready after ~0.2 s) breaches it.
        var tighter = Targets.builtIn
        tighter.budgets.append(Budget(id: "tight", metric: .startupSeconds, statistic: .max, max: 0.15))
        let judged = try await JudgeSession(store: store, logger: .init(label: "t")).judge(
            original.record, targets: tighter, baseline: .none, strict: false,
            directory: directory.url.appendingPathComponent("judged"))
        #expect(judged.verdict == .budgetBreached)
        #expect(judged.evaluation.budgets.first { $0.budgetID == "tight" }?.decision?.method == .observedBreach)
        #expect(rig.inMemory?.calls.count == created, "nothing measured")
        #expect(try store.evaluation(runID: original.record.id)?.budgets.count == original.evaluation.budgets.count)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/judged/report.json"))
    }
}
