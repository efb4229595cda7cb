import ContainerBenchModel
import Foundation

/// Estimates the time a run has left from what it has measured so far: each remaining step is expected to take as
/// long as the steps of its kind took in this run (a cold build like the other cold builds, a trial of a service
/// like that service's earlier trials), falling back to the steps of its stage, then to a prior from the plan
/// (a trial: its memory window and a second or two; no guess at all for a build before one has finished).
/// A pure value, fed with step starts and asked at any time; its accuracy is tested on a recorded run's timings.
public struct ETAEstimator: Sendable {
    /// One planned step: what kind of step it is, and a prior duration when nothing of its kind was seen yet.
    public struct Step: Sendable, Equatable {
        /// `build:cold`, `inspect`, `floor`, `trial:fastapi`, ...: steps of one kind take alike long.
        public var kind: String
        /// Seconds to expect before any step of the kind or its stage finished; nil for no guess.
        public var prior: Double?

        /// A step; see the properties.
        public init(kind: String, prior: Double? = nil) {
            self.kind = kind
            self.prior = prior
        }

        /// The stage part of the kind (`build` of `build:cold`).
        var stage: Substring { kind.split(separator: ":").first ?? Substring(kind) }
    }

    /// The planned steps, in the order they run.
    public let steps: [Step]
    /// Which planned step each start was, and when it started, in order.
    private var starts: [(step: Int, time: Double)] = []
    private var begun: Set<Int> = []

    /// An estimator over `steps`.
    public init(steps: [Step]) {
        self.steps = steps
    }

    /// The steps of `plan` in the order `RunSession.measure` runs them (builds by scenario, inspections, floor
    /// rounds, scheduled trials).
    public static func steps(of plan: RunPlan) -> [Step] {
        var steps: [Step] = []
        if plan.indexMode == .local { steps.append(Step(kind: "prepare")) }
        for scenario in plan.scenarios {
            let repeats = scenario == .cold ? plan.coldBuildRepeats : 1
            steps += (0..<repeats).flatMap { _ in plan.pairs.map { _ in Step(kind: "build:\(scenario.rawValue)") } }
        }
        // A save of the image (compressed size, inventory) costs seconds; an inspect alone does not.
        let inspect = plan.measureCompressedSize ? 15 : plan.measureInventory ? 8 : 0.5
        steps += plan.pairs.map { _ in Step(kind: "inspect", prior: inspect) }
        let trials = { (service: ServiceSpec) in plan.trials ?? service.trials }
        if plan.measureFloor {
            let rounds = plan.suite.services.map(trials).max() ?? 0
            steps += (0..<rounds).map { _ in Step(kind: "floor", prior: 1) }
        }
        let pairs = plan.pairs.map { ServiceDriver(service: $0.service.name, driver: $0.driver.name) }
        let services = Dictionary(plan.suite.services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for slot in TrialScheduler.schedule(pairs: pairs, trials: { pair in services[pair.service].map(trials) ?? 0 }) {
            let service = services[slot.pair.service]
            let prior = (service?.memoryWindow ?? 5) + 1.5 + (service?.load == nil ? 0 : 3)
            steps.append(Step(kind: "trial:\(slot.pair.service)", prior: prior))
        }
        return steps
    }

    /// Records that a step of `kind` started at `time`: the first planned step of that kind not begun yet. A
    /// step the run skips (a failed build's trials) stays planned, so the estimate errs long, never short, then.
    public mutating func started(kind: String, at time: Double) {
        guard let index = steps.indices.first(where: { steps[$0].kind == kind && !begun.contains($0) }) else { return }
        begun.insert(index)
        starts.append((index, time))
    }

    /// Seconds the run is expected to have left at `time`; nil while there is nothing to base it on.
    public func remaining(at time: Double) -> Double? {
        guard let last = starts.last else { return nil }
        // Durations of the finished steps (each ends when the next begins), by kind and by stage.
        var byKind: [String: [Double]] = [:]
        var byStage: [Substring: [Double]] = [:]
        for (position, start) in starts.dropLast().enumerated() {
            let duration = starts[position + 1].time - start.time
            byKind[steps[start.step].kind, default: []].append(duration)
            byStage[steps[start.step].stage, default: []].append(duration)
        }
        func expected(_ step: Step) -> Double? {
            if let seen = byKind[step.kind], !seen.isEmpty { return seen.reduce(0, +) / Double(seen.count) }
            if let seen = byStage[step.stage], !seen.isEmpty { return seen.reduce(0, +) / Double(seen.count) }
            return step.prior
        }
        guard let now = expected(steps[last.step]) else { return nil }
        var total = max(0, now - (time - last.time))
        for (index, step) in steps.enumerated() where !begun.contains(index) {
            guard let seconds = expected(step) else { return nil }
            total += seconds
        }
        return total
    }
}
