import ContainerBench
import Foundation
import Synchronization

/// Makes stand-ins in the in-memory engine: registers each as an image, and logs what it made.
public final class InMemoryStandInMaker: StandInMaker {
    public let engine: InMemoryContainerEngine
    private let log = Mutex<[String]>([])

    /// A maker registering images in `engine`.
    public init(engine: InMemoryContainerEngine) {
        self.engine = engine
    }

    /// The references whose stand-ins were made, in order.
    public var made: [String] { log.withLock { $0 } }

    public func makeMissing(map: BaseImageMap, references: [String]) async throws -> [String] {
        var lines: [String] = []
        for reference in references {
            guard let local = map.images[reference], let recipe = map.recipe(for: reference) else { continue }
            engine.addImage(local, labels: [BaseImageBootstrapper.recipeLabel: BaseImageBootstrapper.recipeVersion])
            log.withLock { $0.append(reference) }
            lines.append("\(reference) → \(local): made: \(recipe)")
        }
        return lines
    }
}
