import ContainerBenchBuild
import ContainerBenchModel
import Foundation

/// Builds every service × driver in every scenario of the plan, in scenario order, alternating the driver order per
/// service so that neither driver always goes first against a machine that warms up.
public struct BuildStage: Sendable {
    /// What the builds produced.
    public struct Result: Sendable {
        public var builds: [BuildRecord] = []
        /// The tag of each pair's image to measure: its cold build, or its first successful one.
        public var images: [ServiceDriver: String] = [:]
        public var errors: [String] = []
        /// Whether the stage stopped because the run was cancelled.
        public var interrupted = false
    }

    /// A build stage.
    public init() {}

    /// Runs the builds; a failed build fails its own pair only, the others are still built.
    public func run(_ context: MeasureContext) async -> Result {
        var result = Result()
        // Cold builds are repeated (`build_repeats`), each repeat reversing the driver order again, so that the
        // ratio of two drivers has an interval and neither always builds first.
        let rounds = context.plan.scenarios.flatMap { scenario in
            (0..<(scenario == .cold ? context.plan.coldBuildRepeats : 1)).map { (scenario, $0) }
        }
        for (scenario, repeatIndex) in rounds {
            for (serviceIndex, service) in context.plan.suite.services.enumerated() {
                let drivers = (serviceIndex + repeatIndex) % 2 == 0 ? service.drivers : service.drivers.reversed()
                for driver in drivers {
                    if Task.isCancelled {
                        result.interrupted = true
                        return result
                    }
                    context.progress.advance(
                        .build, service.name, driver.name, "build \(scenario.rawValue)",
                        kind: "build:\(scenario.rawValue)")
                    let tag = ImageTag.of(
                        service: service.name, driver: driver.name, scenario: scenario, runID: context.runID)
                    let request = BuildRequest(
                        service: service, driver: driver, scenario: scenario, tag: tag, runID: context.runID,
                        settings: context.settings)
                    let pair = ServiceDriver(service: service.name, driver: driver.name)
                    do {
                        let build = try await context.builder.build(request)
                        result.builds.append(build)
                        if build.succeeded {
                            if result.images[pair] == nil || scenario == .cold { result.images[pair] = tag }
                        } else {
                            result.errors.append(
                                "build of \(pair) (\(scenario.rawValue)) failed:\n" + (build.logTail ?? ""))
                        }
                    } catch {
                        result.errors.append("build of \(pair) (\(scenario.rawValue)): \(error)")
                        result.builds.append(
                            BuildRecord(
                                service: service.name, driver: driver.name, scenario: scenario, seconds: 0,
                                succeeded: false, logTail: "\(error)"))
                    }
                }
            }
        }
        return result
    }
}
