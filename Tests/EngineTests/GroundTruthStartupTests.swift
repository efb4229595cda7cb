import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Startup measured against ground truth: the fixture with FIXTURE_STAMP=1 prints the CLOCK_MONOTONIC time at
/// which its socket started listening; containers share the host's monotonic clock (no time namespace), so the
/// harness's own phases (origin + firstTCP, origin + ready) can be compared with that instant directly.
///
/// Proven bounds (probe interval 5 ms):
/// - per trial −5 ms ≤ firstTCP − listen ≤ 20 ms, median ≤ 6 ms: the harness's own detection lag. A connection
///   cannot be accepted before listen(), but the stamp is read just after listen() returns, so a connection can
///   precede it by the time Python spends (or is preempted) in between: measured down to −2.1 ms. The probe retries
///   every 5 ms (plus one refused attempt and scheduling). Measured on the shared 2-core host at load average 5-8:
///   median 1.7-3.4 ms, max 16 ms.
/// - per trial 0 ≤ ready − listen ≤ 100 ms (strictly after the stamp: answering needs serve_forever), median ≤ 40 ms: ready also contains the service answering its first
///   request (Python starting a handler thread), which the harness does not control and which grows with host
///   load. Measured: median 4.5 ms on a lightly loaded host, 14-26 ms at load average 6-8, max 47 ms.
/// - firstTCP ≤ ready, and 0 ≤ created ≤ started ≤ firstTCP.
@Suite("Ground truth: startup (real engine)", .serialized)
struct GroundTruthStartupTests {
    static let trials = 8
    /// The stamp is read just after listen() returns: a connection can be accepted in between, and on a loaded
    /// host Python can be preempted there (measured up to 2.1 ms). ready needs serve_forever, which comes after.
    static let stampSlack = -0.005
    static let firstTCPBound = 0.020
    static let firstTCPMedianBound = 0.006
    static let readyBound = 0.100
    static let readyMedianBound = 0.040

    /// One trial's phases next to the fixture's listen stamp, all in absolute monotonic seconds.
    struct Observation: Sendable {
        var record: TrialRecord
        var origin: Double
        var listen: Double?
    }

    @Test("firstTCP and ready follow the service's own listen stamp within the bound")
    func phasesAgreeWithListenStamp() async throws {
        let engine = try await ProofFixture.engine()
        _ = try await ProofFixture.shared.build(driver: "uv")
        let observations = try await Self.observe(
            engine: engine, image: ProofFixture.tag("uv"), port: ProofFixture.startupPort, trials: Self.trials)
        var readyLags: [Double] = []
        var connectLags: [Double] = []
        for observation in observations {
            let phases = observation.record.phases
            try #require(
                observation.record.succeeded, "trial failed: \(observation.record.failure?.description ?? "?")")
            let listen = try #require(observation.listen, "no FIXTURE_LISTENING line in the container's logs")
            let firstTCP = try #require(phases.firstTCP) + observation.origin
            let ready = try #require(phases.ready) + observation.origin
            #expect(
                firstTCP - listen >= Self.stampSlack,
                "connected \((listen - firstTCP) * 1000) ms before the socket listened")
            #expect(firstTCP - listen <= Self.firstTCPBound, "firstTCP − listen = \((firstTCP - listen) * 1000) ms")
            #expect(ready - listen >= 0, "ready \((listen - ready) * 1000) ms before the socket listened")
            #expect(ready - listen <= Self.readyBound, "ready − listen = \((ready - listen) * 1000) ms")
            #expect(phases.firstTCP ?? 0 <= phases.ready ?? 0)
            #expect((phases.created ?? -1) >= 0 && (phases.created ?? 0) <= (phases.started ?? 0))
            #expect((phases.started ?? 0) <= (phases.firstTCP ?? 0))
            readyLags.append(ready - listen)
            connectLags.append(firstTCP - listen)
        }
        let medianConnect = connectLags.sorted()[connectLags.count / 2]
        #expect(medianConnect <= Self.firstTCPMedianBound, "median firstTCP − listen \(Self.ms(medianConnect))")
        let medianReady = readyLags.sorted()[readyLags.count / 2]
        #expect(medianReady <= Self.readyMedianBound, "median ready − listen \(Self.ms(medianReady))")
        for (name, lags) in [("firstTCP − listen", connectLags), ("ready − listen", readyLags)] {
            let sorted = lags.sorted()
            guard !sorted.isEmpty else { continue }
            print(
                "ground truth startup: \(name) over \(sorted.count) trials: min \(Self.ms(sorted.first)) median "
                    + "\(Self.ms(sorted[sorted.count / 2])) max \(Self.ms(sorted.last))")
        }
    }

    /// Runs `trials` trials of the stamping fixture through `StartupTrialRunner`, reading each container's
    /// listen stamp from its logs (engine.logs) before the container is removed.
    static func observe(
        engine: DockerEngine, image: String, port: Int, trials: Int, environment: [String: String] = [:],
        memoryWindow: Double = 0.2
    ) async throws -> [Observation] {
        let runID = "proof-\(ProcessInfo.processInfo.processIdentifier)-\(UInt16.random(in: 0...UInt16.max))"
        let events = EngineEventStream(engine: engine, label: "\(ContainerLabels.run)=\(runID)")
        defer { events.stop() }
        let stamp = Mutex<(origin: Double, listen: Double?)>((0, nil))
        let runner = StartupTrialRunner(
            engine: engine, events: events, runID: runID, options: TrialOptions(), logger: Logger(label: "proof"),
            beforeRemove: { id, origin in
                let logs = (try? await engine.logs(id, tail: 20)) ?? ""
                stamp.withLock { $0 = (origin, listenStamp(in: logs)) }
            })
        var environment = environment
        environment["FIXTURE_STAMP"] = "1"
        environment["FIXTURE_PORT"] = String(port)
        let target = TrialTarget(
            image: image, service: "fixture", driver: "uv", port: port, health: HealthSpec(path: "/health"),
            readyTimeout: 30, memoryWindow: memoryWindow, environment: environment)
        var observations: [Observation] = []
        for index in 0..<trials {
            stamp.withLock { $0 = (0, nil) }
            let record = await runner.run(target, index: index)
            let (origin, listen) = stamp.withLock { $0 }
            observations.append(Observation(record: record, origin: origin, listen: listen))
        }
        return observations
    }

    /// The `FIXTURE_LISTENING monotonic=<s.nnnnnnnnn>` stamp in `logs`, in seconds.
    static func listenStamp(in logs: String) -> Double? {
        for line in logs.split(whereSeparator: \.isNewline) {
            guard let range = line.range(of: "FIXTURE_LISTENING monotonic=") else { continue }
            return Double(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func ms(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.2f ms", $0 * 1000) } ?? "-"
    }
}
