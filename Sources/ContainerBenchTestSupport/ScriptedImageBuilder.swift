import ContainerBench
import Foundation
import Synchronization

/// A builder for the in-memory engine: each build takes scripted virtual seconds and registers an image whose
/// containers follow a scripted behaviour, or fails with a scripted log. Every request is logged.
public final class ScriptedImageBuilder: ImageBuilder {
    /// How one build goes.
    public struct Outcome: Sendable {
        public var seconds: Double
        /// The dependency-install step's share of `seconds`.
        public var installSeconds: Double
        /// The log tail of a failed build; the build succeeds when nil.
        public var failure: String?
        public var bytes: Int64
        public var configuration: ImageInspect.ImageConfig
        public var script: ContainerScript

        /// An outcome; by default a 2 s build of a 150 MB non-root image with a HEALTHCHECK.
        public init(
            seconds: Double = 2, installSeconds: Double = 1, failure: String? = nil, bytes: Int64 = 150_000_000,
            configuration: ImageInspect.ImageConfig = .init(
                user: "10001", env: ["PATH=/usr/bin"], healthcheck: .init(test: ["CMD", "true"])),
            script: ContainerScript = ContainerScript()
        ) {
            self.seconds = seconds
            self.installSeconds = installSeconds
            self.failure = failure
            self.bytes = bytes
            self.configuration = configuration
            self.script = script
        }
    }

    public let engine: InMemoryContainerEngine
    private let outcome: @Sendable (BuildRequest, Int) -> Outcome
    private let log = Mutex<[BuildRequest]>([])

    /// A builder whose `n`-th build (0-based, over the builder's life) of `request` goes as `outcome(request, n)`.
    public init(
        engine: InMemoryContainerEngine,
        outcome: @escaping @Sendable (BuildRequest, Int) -> Outcome = { _, _ in Outcome() }
    ) {
        self.engine = engine
        self.outcome = outcome
    }

    public var clientDescription: String { "scripted builder (in memory)" }

    /// Every build requested so far, in order.
    public var requests: [BuildRequest] { log.withLock { $0 } }

    public func build(_ request: BuildRequest) async throws -> BuildRecord {
        let index = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        let planned = outcome(request, index)
        await engine.clock.sleep(seconds: planned.seconds)
        let install = BuildStep(
            name: "[\(request.driver.name) 3/4] RUN \(request.driver.name == "uv" ? "uv sync" : "pip install")",
            seconds: planned.installSeconds, cached: request.scenario == .warm)
        if let failure = planned.failure {
            return BuildRecord(
                service: request.service.name, driver: request.driver.name, scenario: request.scenario,
                seconds: planned.seconds, succeeded: false, steps: [install], logTail: failure)
        }
        engine.addImage(
            request.tag, bytes: planned.bytes, configuration: planned.configuration,
            labels: [
                ContainerLabels.managed: "1", ContainerLabels.run: request.runID,
                ContainerLabels.service: request.service.name, ContainerLabels.driver: request.driver.name,
            ].merging(engine.runner.labels) { _, runner in runner }, script: planned.script)
        let id = try await engine.inspectImage(request.tag)?.id
        return BuildRecord(
            service: request.service.name, driver: request.driver.name, scenario: request.scenario,
            seconds: planned.seconds, succeeded: true, imageID: id, steps: [install])
    }
}
