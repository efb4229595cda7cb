import ContainerBench
import Foundation
import Testing

@Suite("Confirmation: restricting a plan, and what a same-sitting A/B does to an alert")
struct RegressionConfirmationTests {
    static func finding(_ service: String, _ driver: String, _ metric: Metric, _ change: Change, ack: Bool = false)
        -> RegressionFinding
    {
        RegressionFinding(
            service: service, driver: driver, metric: metric, baselineMedian: 1, currentMedian: 1.5, ratio: 1.5,
            change: change, acknowledged: ack, baselineN: 5, currentN: 5)
    }

    @Test func restrictKeepsOnlyTheAlertedServiceDrivers() {
        let drivers = [DriverSpec(name: "uv", dockerfile: "/u"), DriverSpec(name: "pip", dockerfile: "/p")]
        let health = HealthSpec(path: "/health")
        let suite = Suite(
            source: "s",
            services: [
                ServiceSpec(name: "web", context: "/w", drivers: drivers, port: 1, health: health),
                ServiceSpec(name: "api", context: "/a", drivers: drivers, port: 2, health: health),
                ServiceSpec(name: "etl", context: "/e", drivers: drivers, port: 3, health: health),
            ])
        let plan = RunPlan(suite: suite, trials: 7, label: "nightly", measureFloor: false)
        let restricted = plan.restricted(
            to: [ServiceDriver(service: "web", driver: "pip"), ServiceDriver(service: "etl", driver: "uv")])
        #expect(restricted.suite.services.map(\.name) == ["web", "etl"])
        #expect(restricted.suite.services.map { $0.drivers.map(\.name) } == [["pip"], ["uv"]])
        #expect(restricted.trials == 7 && restricted.label == "nightly" && !restricted.measureFloor)
    }

    @Test("a confirmation's decision: confirmed stands, not confirmed drops to unchanged, both say the A/B's estimate")
    func anAlertStandsOnlyWhenTheAConfirms() throws {
        var generator = SeededGenerator(seed: 11)
        let a = (0..<20).map { _ in exp(0.05 * generator.nextNormal()) }
        let slow = (0..<20).map { _ in 1.25 * exp(0.05 * generator.nextNormal()) }
        let same = (0..<20).map { _ in exp(0.05 * generator.nextNormal()) }
        let test = VerdictPolicy.standard.confirmation(absoluteFloor: 0.01)
        var confirmed = Self.finding("web", "uv", .startupSeconds, .regression)
        RegressionGate.apply(try test.decide(baseline: a, current: slow, alpha: 0.01, look: 4), to: &confirmed)
        #expect(confirmed.change == .regression && confirmed.confirmation?.verdict == .confirmed)
        #expect(confirmed.note?.contains("confirmed by a same-sitting A/B") == true)
        var dropped = Self.finding("web", "uv", .startupSeconds, .regression)
        RegressionGate.apply(try test.decide(baseline: a, current: same, alpha: 0.01, look: 4), to: &dropped)
        #expect(dropped.change == .unchanged && dropped.note?.contains("not confirmed") == true)
        #expect(
            ExitStatus.verdict(
                status: .completed, evaluation: Evaluation(runID: "r", regressions: [dropped]), strict: false) == .pass)
    }
}
