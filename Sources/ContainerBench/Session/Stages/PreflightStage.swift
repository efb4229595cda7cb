import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchModel
import Foundation

/// Makes local stand-ins for base images (the real one is `BaseImageBootstrapper`; the test support has one for the
/// in-memory engine).
public protocol StandInMaker: Sendable {
    /// Makes the stand-ins `map` gives for `references` that are missing; returns a line per reference handled.
    /// - Throws: when one cannot be made.
    func makeMissing(map: BaseImageMap, references: [String]) async throws -> [String]
}

extension BaseImageBootstrapper: StandInMaker {
    public func makeMissing(map: BaseImageMap, references: [String]) async throws -> [String] {
        try await run(map: map, references: references).filter { $0.action.hasPrefix("made") }.map(\.description)
    }
}

/// Checks, before anything is built, that every base image the plan's Dockerfiles need can be built from: each
/// Dockerfile parses, and each base it names (FROM, COPY --from, RUN --mount from, through ARG defaults and build
/// arguments) is present, or mapped to a stand-in that is present or can be made by a recipe. References nobody
/// mapped get the built-in stand-in of their kind (the official Python images, uv's images, Debian), said in the
/// run's warnings; a reference with no way to be built is a usage error naming its Dockerfile line and the flag
/// that maps it.
public struct PreflightStage: Sendable {
    /// What preflight found.
    public struct Result: Sendable {
        /// The plan with its base-image map completed by built-in recipes.
        public var plan: RunPlan
        /// What a person should know (built-in stand-ins used, stand-ins made), for the run's warnings.
        public var notes: [String]
    }

    public var engine: any ContainerEngine
    /// Makes missing stand-ins; nil refuses to (the error then says to run `containerbench bootstrap`).
    public var standIns: (any StandInMaker)?

    /// A preflight over `engine`.
    public init(engine: any ContainerEngine, standIns: (any StandInMaker)?) {
        self.engine = engine
        self.standIns = standIns
    }

    /// The flag that maps a base image, named in errors.
    public static let mappingFlag = "--base-image"

    /// Checks `plan`, making missing stand-ins.
    /// - Throws: `SessionError` with status `usageError` for a Dockerfile that does not parse or a base that cannot
    ///   be built from (every one listed, with file and line), `infrastructureError` when a stand-in cannot be made.
    public func run(_ plan: RunPlan) async throws(SessionError) -> Result {
        var references: [ImageReference] = []
        var problems: [String] = []
        for (service, driver) in plan.pairs {
            do {
                let dockerfile = try Dockerfile.load(path: driver.dockerfile)
                references += try dockerfile.baseReferences(buildArgs: driver.buildArgs, target: driver.target)
            } catch {
                problems.append("\(service.name)/\(driver.name): \(error)")
            }
        }
        guard problems.isEmpty else { throw SessionError(.usageError, problems.joined(separator: "\n")) }
        var result = Result(plan: plan, notes: [])
        let names = Self.unique(references.map(\.name))
        var unresolved: [ImageReference] = []
        var missing: [String] = []
        for name in names where !(await engine.hasImage(name)) { missing.append(name) }
        let (map, added) = plan.suite.baseImageMap.completed(for: missing)
        result.plan.suite.baseImageMap = map
        for reference in added {
            result.notes.append(
                "\(reference) is not here and cannot be pulled: built from the built-in stand-in "
                    + "\(map.images[reference] ?? "?") (\(map.recipe(for: reference)?.description ?? "?"))")
        }
        var toMake: [String] = []
        for name in missing {
            guard let local = map.images[name] else {
                unresolved += references.filter { $0.name == name }
                continue
            }
            let recipe = map.recipe(for: name)
            if await engine.hasImage(local) {
                let outdated = await Self.isOutdated(local, engine: engine)
                if recipe == nil || !outdated { continue }
            }
            guard recipe != nil else {
                unresolved += references.filter { $0.name == name }
                continue
            }
            toMake.append(name)
        }
        guard unresolved.isEmpty else {
            var seen: Set<String> = []
            let lines = unresolved.filter { seen.insert("\($0.file):\($0.line)").inserted }.map {
                $0.unavailableError(flag: Self.mappingFlag).description
            }
            throw SessionError(.usageError, lines.joined(separator: "\n"))
        }
        guard !toMake.isEmpty else { return result }
        guard let standIns else {
            throw SessionError(
                .infrastructureError,
                "stand-ins to make for \(toMake.joined(separator: ", ")): run `containerbench bootstrap` first")
        }
        do {
            result.notes += try await standIns.makeMissing(map: map, references: toMake)
        } catch {
            throw SessionError(.infrastructureError, "a stand-in base image could not be made: \(error)")
        }
        return result
    }

    /// Whether `local` is a stand-in of ours made by an older recipe version.
    static func isOutdated(_ local: String, engine: any ContainerEngine) async -> Bool {
        guard let image = (try? await engine.inspectImage(local)) ?? nil else { return true }
        let version = image.config?.labels?[BaseImageBootstrapper.recipeLabel]
        let ours = version != nil || local.hasPrefix("containerbench/")
        return ours && version != BaseImageBootstrapper.recipeVersion
    }

    static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
