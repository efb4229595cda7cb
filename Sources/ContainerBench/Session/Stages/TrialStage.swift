import ContainerBenchMeasure
import ContainerBenchModel
import Foundation

/// Runs the service trials of the plan in `TrialScheduler`'s interleaved order.
public struct TrialStage: Sendable {
    /// What the trials measured.
    public struct Result: Sendable {
        public var trials: [TrialRecord] = []
        public var errors: [String] = []
        public var interrupted = false
    }

    /// A trial stage.
    public init() {}

    /// Runs every scheduled trial of the pairs that have an image in `built`; or, for `--trials auto`'s extra
    /// rounds, rounds `rounds` of `only` those pairs (interleaved the same way).
    public func run(
        _ context: MeasureContext, built: [ServiceDriver: String], only: Set<ServiceDriver>? = nil,
        rounds: Range<Int>? = nil
    ) async -> Result {
        var result = Result()
        var specs: [ServiceDriver: (service: ServiceSpec, driver: DriverSpec)] = [:]
        for (service, driver) in context.plan.pairs {
            specs[ServiceDriver(service: service.name, driver: driver.name)] = (service, driver)
        }
        let pairs = context.plan.pairs.map { ServiceDriver(service: $0.service.name, driver: $0.driver.name) }
            .filter { only?.contains($0) ?? true }
        let slots = TrialScheduler.schedule(pairs: pairs) { pair in
            rounds?.upperBound ?? specs[pair].map { context.trialCount($0.service) } ?? 0
        }.filter { rounds?.contains($0.round) ?? true }
        let runner = context.trialRunner
        if let duet = context.plan.duet {
            return await runDuet(context, built: built, slots: slots, specs: specs, duet: duet)
        }
        for slot in slots {
            guard let tag = built[slot.pair], let service = specs[slot.pair]?.service else { continue }
            if Task.isCancelled {
                result.interrupted = true
                return result
            }
            context.progress.advance(
                .trial, slot.pair.service, slot.pair.driver,
                "trial \(slot.round + 1)/\(rounds?.upperBound ?? context.trialCount(service))",
                kind: "trial:\(slot.pair.service)")
            let target = TrialTarget(
                image: tag, service: service.name, driver: slot.pair.driver, port: service.port,
                health: service.health, readyTimeout: service.readyTimeout, memoryWindow: service.memoryWindow,
                environment: service.environment, command: service.command, load: service.load)
            let trial = await runner.run(target, index: slot.round)
            if !trial.succeeded {
                result.errors.append(
                    "trial \(slot.round + 1) of \(slot.pair) failed: \(trial.failure?.description ?? "unknown")")
            }
            result.trials.append(trial)
        }
        return result
    }

    /// Duet trials: the slots of each round run as pairs started at the same time (the second pair member on the
    /// duet's port). A pair's two trials share whatever disturbs the machine at that moment.
    private func runDuet(
        _ context: MeasureContext, built: [ServiceDriver: String], slots: [TrialScheduler.Slot],
        specs: [ServiceDriver: (service: ServiceSpec, driver: DriverSpec)], duet: DuetSpec
    ) async -> Result {
        var result = Result()
        let runner = context.trialRunner
        let rounds = Dictionary(grouping: slots, by: \.round).sorted { $0.key < $1.key }
        for (round, members) in rounds {
            guard members.count == 2 else { continue }
            if Task.isCancelled {
                result.interrupted = true
                return result
            }
            let ordered = members.sorted { $0.pair.driver < $1.pair.driver }
            var targets: [TrialTarget] = []
            for (position, slot) in ordered.enumerated() {
                guard let tag = built[slot.pair], let service = specs[slot.pair]?.service else { return result }
                var environment = service.environment
                let port = position == 0 ? service.port : duet.port
                if position == 1 { environment[duet.portVariable] = String(duet.port) }
                targets.append(
                    TrialTarget(
                        image: tag, service: service.name, driver: slot.pair.driver, port: port,
                        health: service.health, readyTimeout: service.readyTimeout,
                        memoryWindow: service.memoryWindow, environment: environment, command: service.command))
                context.progress.advance(
                    .trial, slot.pair.service, slot.pair.driver, "duet \(round + 1)",
                    kind: "trial:\(slot.pair.service)")
            }
            let (a, b) = (targets[0], targets[1])
            async let first = runner.run(a, index: round)
            async let second = runner.run(b, index: round)
            let pair = await [first, second]
            for trial in pair where !trial.succeeded {
                result.errors.append(
                    "duet \(round + 1) of \(trial.service)/\(trial.driver) failed: \(trial.failure?.description ?? "?")"
                )
            }
            result.trials += pair
        }
        return result
    }
}
