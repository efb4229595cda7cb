import ContainerBenchBuild
import ContainerBenchMeasure
import ContainerBenchModel
import Foundation

/// The engine floor: the suite's Python base running the smallest HTTP server, as many rounds as the service with
/// the most trials. It says how much of a service's startup is the engine's, not the service's.
public struct FloorStage: Sendable {
    /// What the floor measured.
    public struct Result: Sendable {
        public var trials: [TrialRecord] = []
        public var interrupted = false
    }

    /// A floor stage.
    public init() {}

    /// Measures the floor when the plan asks for it and a Python base image is available.
    public func run(_ context: MeasureContext) async -> Result {
        var result = Result()
        guard context.plan.measureFloor, let base = await Self.floorImage(context) else { return result }
        let rounds = context.plan.suite.services.map(context.trialCount).max() ?? 0
        let runner = context.trialRunner
        let port = HTTPReadinessProbe.freePort() ?? 18_999
        let target = TrialTarget(
            image: base, service: "engine-floor", driver: "base", port: port, health: HealthSpec(path: "/"),
            readyTimeout: 30, memoryWindow: 0,
            command: ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1"])
        for index in 0..<rounds {
            if Task.isCancelled {
                result.interrupted = true
                return result
            }
            context.progress.advance(.floor, "engine-floor", "base", "trial \(index + 1)/\(rounds)", kind: "floor")
            result.trials.append(await runner.run(target, index: index))
        }
        return result
    }

    /// The image the floor runs: the first mapped Python base the engine has (the original, else its stand-in).
    static func floorImage(_ context: MeasureContext) async -> String? {
        let resolver = BaseImageResolver(engine: context.engine, map: context.settings.baseImageMap)
        for original in context.settings.baseImageMap.keys.sorted() where original.contains("python") {
            if let use = await resolver.resolve(original) { return use.image }
        }
        return nil
    }
}
