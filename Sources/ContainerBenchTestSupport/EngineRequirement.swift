import ContainerBench
import Foundation

/// Engine tests fail, never skip, when no engine answers: CI must have one (`make test` starts it).
public enum EngineRequirement {
    /// A connected engine, or an error saying how to get one.
    public static func engine() async throws -> DockerEngine {
        do {
            let engine = try DockerEngine()
            try await engine.connect()
            return engine
        } catch {
            throw EngineUnavailable(
                message: "engine tests need a running Docker engine (run `make setup`, or `make test` which does): "
                    + "\(error)")
        }
    }

    /// Ids of containers containerbench made that still exist (running or not) for `runID`.
    public static func leftovers(_ engine: DockerEngine, runID: String) async throws -> [String] {
        try await engine.containers(withLabel: "\(ContainerLabels.run)=\(runID)")
    }
}

/// No engine answered.
public struct EngineUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
