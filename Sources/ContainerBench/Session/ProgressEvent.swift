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
    /// Seconds the measurement is expected to have left (`ETAEstimator`), when it can say.
    public var remainingSeconds: Double?

    /// An event; see the properties.
    public init(
        stage: Stage, service: String? = nil, driver: String? = nil, step: Int, steps: Int, message: String,
        remainingSeconds: Double? = nil
    ) {
        self.stage = stage
        self.service = service
        self.driver = driver
        self.step = step
        self.steps = steps
        self.message = message
        self.remainingSeconds = remainingSeconds
    }
}

/// Counts a run's measuring steps, estimates the time left from their durations, and hands each one to the
/// display. Shared by the stages of one measurement.
final class ProgressReporter: Sendable {
    private let state: Mutex<(step: Int, estimator: ETAEstimator)>
    private let steps: Int
    private let now: @Sendable () -> Double
    private let sink: @Sendable (ProgressEvent) -> Void

    init(plan: RunPlan, now: @escaping @Sendable () -> Double, sink: @escaping @Sendable (ProgressEvent) -> Void) {
        let estimator = ETAEstimator(steps: ETAEstimator.steps(of: plan))
        self.steps = max(1, estimator.steps.count)
        self.state = Mutex((0, estimator))
        self.now = now
        self.sink = sink
    }

    /// Reports the next step, of the estimator's `kind` (`build:cold`, `trial:fastapi`; nil for none).
    func advance(
        _ stage: ProgressEvent.Stage, _ service: String?, _ driver: String?, _ message: String, kind: String? = nil
    ) {
        let time = now()
        let (current, remaining) = state.withLock { state -> (Int, Double?) in
            state.step = min(state.step + 1, steps)
            if let kind { state.estimator.started(kind: kind, at: time) }
            return (state.step, stage == .done ? 0 : state.estimator.remaining(at: time))
        }
        sink(
            ProgressEvent(
                stage: stage, service: service, driver: driver, step: current, steps: steps, message: message,
                remainingSeconds: remaining))
    }
}
