import ContainerBenchEngine
import ContainerBenchModel
import Foundation

/// Decides, for every base image a Dockerfile names, which image a build really uses: the original when the engine
/// has it, else its local stand-in from the suite's base-image map. The one place this is decided, so that the
/// build, the image's base share, the engine floor, the fingerprint and `doctor` cannot disagree.
public struct BaseImageResolver: Sendable {
    /// The engine the images are looked up in.
    public var engine: any ContainerEngine
    /// Original reference → local stand-in.
    public var map: [String: String]

    /// A resolver over `engine` with the stand-ins of `map`.
    public init(engine: any ContainerEngine, map: [String: String]) {
        self.engine = engine
        self.map = map
    }

    /// What `reference` resolves to: the original when present, else a present stand-in; nil when neither exists
    /// (the build would have to pull it).
    public func resolve(_ reference: String) async -> BaseImageUse? {
        if let image = (try? await engine.inspectImage(reference)) ?? nil {
            return BaseImageUse(reference: reference, image: reference, imageID: image.id, standIn: false)
        }
        guard let local = map[reference], let image = (try? await engine.inspectImage(local)) ?? nil else {
            return nil
        }
        return BaseImageUse(reference: reference, image: local, imageID: image.id, standIn: true)
    }

    /// The stand-ins a build of a Dockerfile naming `references` must be rewritten to use: the references that are
    /// mapped and whose original the engine does not have.
    public func replacements(for references: [String]) async -> [String: String] {
        var replacements: [String: String] = [:]
        for reference in references where replacements[reference] == nil {
            guard let local = map[reference] else { continue }
            if !(await engine.hasImage(reference)) { replacements[reference] = local }
        }
        return replacements
    }
}
