import ContainerBench
import Foundation
import Testing

@Suite("run --confirm: restricting the plan and keeping only repeated alerts")
struct RegressionConfirmationTests {
    static func finding(_ service: String, _ driver: String, _ metric: Metric, _ change: Change, ack: Bool = false)
        -> RegressionFinding
    {
        RegressionFinding(
            service: service, driver: driver, metric: metric, baselineMedian: 1, currentMedian: 1.5, ratio: 1.5,
            change: change, acknowledged: ack, baselineN: 5, currentN: 5)
    }

    @Test func alertedPairsAreTheUnacknowledgedRegressions() {
        let evaluation = Evaluation(
            runID: "r",
            regressions: [
                Self.finding("web", "uv", .startupSeconds, .regression),
                Self.finding("web", "uv", .memoryPeakBytes, .regression),
                Self.finding("web", "pip", .startupSeconds, .regression, ack: true),
                Self.finding("api", "pip", .imageBytes, .improvement),
                Self.finding("api", "uv", .buildSeconds, .regression),
            ])
        #expect(
            RegressionConfirmation.alertedPairs(evaluation) == [
                ServiceDriver(service: "web", driver: "uv"), ServiceDriver(service: "api", driver: "uv"),
            ])
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

    @Test func anAlertStandsOnlyWhenTheConfirmationRepeatsIt() {
        var evaluation = Evaluation(
            runID: "first",
            regressions: [
                Self.finding("web", "uv", .startupSeconds, .regression),
                Self.finding("web", "uv", .memoryPeakBytes, .regression),
                Self.finding("web", "pip", .startupSeconds, .regression, ack: true),
                Self.finding("web", "pip", .imageBytes, .unchanged),
            ])
        let confirmation = Evaluation(
            runID: "second",
            regressions: [
                Self.finding("web", "uv", .startupSeconds, .regression),
                Self.finding("web", "uv", .memoryPeakBytes, .unchanged),
            ])
        let notes = RegressionConfirmation.apply(
            confirmation: confirmation, confirmationRunID: "second", to: &evaluation)
        #expect(evaluation.regressions.map(\.change) == [.regression, .unchanged, .regression, .unchanged])
        #expect(
            notes == [
                "regression of web/uv startup_seconds confirmed by run second",
                "regression of web/uv memory_peak_bytes not confirmed by run second: alert dropped",
            ])
        #expect(ExitStatus.verdict(status: .completed, evaluation: evaluation, strict: false) == .regression)
    }
}
