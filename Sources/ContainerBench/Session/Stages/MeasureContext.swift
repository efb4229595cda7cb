import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchMeasure
import ContainerBenchModel
import Foundation
import Logging

/// What the measuring stages of one run share: the plan, the parts they measure with, the run's event source and
/// its progress display.
public struct MeasureContext: Sendable {
    public var runID: String
    public var plan: RunPlan
    public var engine: any ContainerEngine
    public var builder: any ImageBuilder
    public var instruments: MeasuringInstruments
    /// Health and exit events of this run's containers; nil when the engine's stream is unavailable.
    public var events: (any ContainerEventSource)?
    /// Base-image map, work directory and package index every build of the run uses.
    public var settings: BuildSettings
    public var logger: Logger
    let progress: ProgressReporter

    /// The trial runner of this run.
    public var trialRunner: StartupTrialRunner {
        StartupTrialRunner(
            engine: engine, events: events, instruments: instruments, runID: runID, options: plan.options,
            logger: logger)
    }

    /// The trials `service` gets in this run (the plan's override, or the service's own).
    public func trialCount(_ service: ServiceSpec) -> Int {
        plan.trials ?? service.trials
    }
}

/// The image tag a service × driver gets for a build scenario.
public enum ImageTag {
    /// `containerbench/SERVICE:DRIVER` for cold builds, `…:DRIVER-SCENARIO` for the others.
    public static func of(service: String, driver: String, scenario: BuildScenario) -> String {
        scenario == .cold
            ? "containerbench/\(service):\(driver)" : "containerbench/\(service):\(driver)-\(scenario.rawValue)"
    }
}
