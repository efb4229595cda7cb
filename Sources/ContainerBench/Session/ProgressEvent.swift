import Foundation
import Synchronization

/// A step of a run, for progress displays.
public struct ProgressEvent: Sendable, Equatable {
    /// The session's stages, in the order a run passes them.
    public enum Stage: String, Sendable, CaseIterable {
        case prepare, build, inspect, floor, trial, analyse, confirm, persist, artifacts, done
    }

    public var stage: Stage
    public var service: String?
    public var driver: String?
    /// 1-based position of this step among the run's measuring steps, and their count.
    public var step: Int
    public var steps: Int
    public var message: String

    /// An event; see the properties.
    public init(
        stage: Stage, service: String? = nil, driver: String? = nil, step: Int, steps: Int, message: String
    ) {
        self.stage = stage
        self.service = service
        self.driver = driver
        self.step = step
        self.steps = steps
        self.message = message
    }
}

/// Counts a run's measuring steps and hands each one to the display. Shared by the stages of one measurement.
final class ProgressReporter: Sendable {
    private let step = Mutex(0)
    private let steps: Int
    private let sink: @Sendable (ProgressEvent) -> Void

    init(steps: Int, sink: @escaping @Sendable (ProgressEvent) -> Void) {
        self.steps = max(1, steps)
        self.sink = sink
    }

    /// Reports the next step.
    func advance(_ stage: ProgressEvent.Stage, _ service: String?, _ driver: String?, _ message: String) {
        let current = step.withLock { value in
            value = min(value + 1, steps)
            return value
        }
        sink(
            ProgressEvent(
                stage: stage, service: service, driver: driver, step: current, steps: steps, message: message))
    }

    /// Reports a stage after measurement (analyse, confirm, persist, artifacts): no step of its own.
    func note(_ stage: ProgressEvent.Stage, _ message: String) {
        let current = step.withLock { $0 }
        sink(ProgressEvent(stage: stage, step: current, steps: steps, message: message))
    }
}
