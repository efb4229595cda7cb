import ContainerBench
import Foundation
import Synchronization

/// A check of a conformance body that did not hold; the message says what was expected and what was seen.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Test bodies of the run session that hold for every rig: the unit tests run them on the in-memory rig, the
/// engine tests on dockerd. Each throws `ConformanceFailure` at the first check that does not hold.
public enum SessionConformance {
    /// Measures the rig's suite with 3 trials per driver: both drivers build, the trials alternate (A B, B A, A B),
    /// each trial's phases are in order, memory is recorded, and no container of the run is left behind.
    /// - Returns: the run's record, for rig-specific checks.
    @discardableResult
    public static func interleavedTrialsLeaveNothingBehind(_ rig: SessionRig) async throws -> RunRecord {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/history.sqlite")
        let runID = RunRecord.makeID()
        let record = await rig.session(store: store).measure(rig.plan(trials: 3), runID: runID).record

        try check(record.status == .completed, "the run completed", record.errors)
        try check(
            Set(record.builds.map { "\($0.driver)/\($0.scenario.rawValue)" }) == ["uv/cold", "pip/cold"],
            "one cold build per driver", record.builds.map { "\($0.driver)/\($0.scenario)" })
        try check(record.builds.allSatisfy(\.succeeded), "every build succeeded", record.builds.map(\.logTail))
        try check(
            record.trials.map(\.driver) == ["uv", "pip", "pip", "uv", "uv", "pip"], "trials alternate A B, B A, A B",
            record.trials.map(\.driver))
        try check(
            record.trials.map(\.index) == [0, 0, 1, 1, 2, 2], "each trial's index is its round",
            record.trials.map(\.index))
        for trial in record.trials {
            try check(trial.succeeded, "trial \(trial.driver)#\(trial.index) succeeded", trial.failure)
            let phases = trial.phases
            guard let created = phases.created, let started = phases.started, let firstTCP = phases.firstTCP,
                let ready = phases.ready
            else {
                throw ConformanceFailure(message: "trial \(trial.driver)#\(trial.index) lacks a phase: \(phases)")
            }
            try check(
                created < started && started <= firstTCP + 0.01 && firstTCP <= ready,
                "phases in order (created < started ≤ first TCP ≤ ready)", phases)
            try check((trial.memory?.sampleCount ?? 0) > 0, "memory was sampled", trial.memory)
        }
        let left = try await rig.engine.containers(withLabel: "\(ContainerLabels.run)=\(runID)")
        try check(left.isEmpty, "no container of the run is left", left)
        return record
    }

    /// A whole `RunSession.run`: the stages report in order (prepare, build, inspect, trial, done, analyse, persist,
    /// artifacts), the run is stored and loads back equal, and its reports exist.
    public static func stagesRunInOrder(_ rig: SessionRig) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteHistoryStore(path: directory.path + "/history.sqlite")
        let events = Mutex<[ProgressEvent]>([])
        let session = rig.session(store: store) { event in events.withLock { $0.append(event) } }
        let result = try await session.run(
            RunRequest(
                plan: rig.plan(trials: 2), targets: nil, baseline: .none,
                resultsDirectory: directory.url.appendingPathComponent("runs")))
        var stages: [ProgressEvent.Stage] = []
        for event in events.withLock({ $0 }) where stages.last != event.stage { stages.append(event.stage) }
        try check(
            stages == [.prepare, .build, .inspect, .trial, .done, .analyse, .persist, .artifacts], "stages in order",
            stages)
        try check(result.record.status == .completed, "the run completed", result.record.errors)
        try check(try store.run(id: result.record.id) == result.record, "the stored run loads back equal", nil)
        for name in ["report.md", "report.json", "report.junit.xml", "report.html"] {
            let path = result.directory.appendingPathComponent(name).path
            try check(FileManager.default.fileExists(atPath: path), "\(name) was written", path)
        }
    }

    /// Throws a `ConformanceFailure` saying what was expected, and what was seen, unless `condition` holds.
    public static func check(_ condition: Bool, _ expected: String, _ seen: Any?) throws {
        guard condition else {
            throw ConformanceFailure(message: "expected \(expected); saw \(seen.map { "\($0)" } ?? "nil")")
        }
    }
}
