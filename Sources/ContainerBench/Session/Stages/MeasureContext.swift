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

/// The image tag a service × driver gets for a build scenario in one run. Tags are unique per run, so runners
/// sharing an engine never move each other's tags (nor measure each other's images); a run removes its own tags
/// when it ends (`RunSession.release`), its completed images staying as kept images.
public enum ImageTag {
    /// `containerbench/SERVICE:DRIVER-RUNID` for cold builds, `…:DRIVER-SCENARIO-RUNID` for the others.
    public static func of(service: String, driver: String, scenario: BuildScenario, runID: String) -> String {
        scenario == .cold
            ? "\(repository(service: service)):\(driver)-\(runID)"
            : "\(repository(service: service)):\(driver)-\(scenario.rawValue)-\(runID)"
    }

    /// The repository of `service`'s images.
    public static func repository(service: String) -> String { "containerbench/\(service)" }
}
