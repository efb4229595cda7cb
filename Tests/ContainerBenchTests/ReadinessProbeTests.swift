import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

@Suite("Readiness probe", .serialized)
struct ReadinessProbeTests {
    /// A server that starts listening 300 ms from now: the probe sees refusals first, then the answer, and its
    /// first accepted connection lands within a few probe intervals of the server's own listen().
    @Test func detectsAServerThatBecomesReadyLater() async throws {
        let server = try LocalHTTPServer(listenDelay: 0.3)
        defer { server.stop() }
        let probe = try HTTPReadinessProbe(port: server.port, path: "/health")
        let start = MonotonicClock.now()
        var firstConnect: Double?
        var readyAt: Double?
        var refused = 0
        while MonotonicClock.now() - start < 5, readyAt == nil {
            let attempt = await probe.attempt()
            if firstConnect == nil { firstConnect = attempt.connectedAt }
            if attempt.status == 200 { readyAt = attempt.endedAt } else if attempt.connectedAt == nil { refused += 1 }
            try await Task.sleep(for: .milliseconds(5))
        }
        let listening = try #require(server.listeningAt)
        let ready = try #require(readyAt)
        #expect(refused > 5, "the probe must have seen the port closed before it opened")
        #expect(ready >= listening)
        #expect(ready - listening < 0.05, "ready \(ready - listening) s after listen")
        #expect(try #require(firstConnect) >= listening - 0.001)
    }

    @Test func statusOtherThanAcceptedIsNotReady() async throws {
        let server = try LocalHTTPServer(statuses: [503, 503, 200])
        defer { server.stop() }
        #expect(server.waitUntilListening())
        let probe = try HTTPReadinessProbe(port: server.port, path: "/h")
        let health = HealthSpec(path: "/h", status: 200)
        var answers: [Int] = []
        for _ in 0..<3 {
            if let status = await probe.attempt().status { answers.append(status) }
        }
        #expect(answers == [503, 503, 200])
        #expect(answers.map(health.accepts) == [false, false, true])
    }

    @Test func portInUseIsDetected() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        #expect(server.waitUntilListening())
        #expect(HTTPReadinessProbe.portAnswers(server.port))
        let free = try #require(HTTPReadinessProbe.freePort())
        #expect(!HTTPReadinessProbe.portAnswers(free))
    }
}

@Suite("Load generator")
struct LoadGeneratorTests {
    @Test func sendsTheRequestedNumberAtTheRequestedConcurrency() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        #expect(server.waitUntilListening())
        let result = await LoadGenerator(port: server.port, spec: LoadSpec(path: "/work", requests: 60, concurrency: 4))
            .measure()
        #expect(result.requests == 60)
        #expect(result.failures == 0)
        #expect(server.requests == 60, "exactly the requested count reaches the server")
        #expect(
            result.latencyP50 > 0 && result.latencyP50 <= result.latencyP95 && result.latencyP95 <= result.latencyMax)
    }

    @Test func failedRequestsAreCountedNotHidden() async throws {
        let server = try LocalHTTPServer(statuses: [500])
        defer { server.stop() }
        #expect(server.waitUntilListening())
        let result = await LoadGenerator(port: server.port, spec: LoadSpec(path: "/", requests: 10, concurrency: 3))
            .measure()
        #expect(result.failures == 10)
    }
}
