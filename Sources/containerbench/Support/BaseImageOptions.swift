import ArgumentParser
import ContainerBench
import Foundation

/// The base-image map flags of every command that builds (`run`, `ab`, `bootstrap`): they override the suite's
/// `base_images`, and references nobody maps get the built-in stand-ins.
struct BaseImageOptions: ParsableArguments {
    @Option(
        name: .customLong("base-image"),
        help: ArgumentHelp(
            "Map a base image a Dockerfile names to a local one (repeatable), e.g. "
                + "python:3.12-slim=containerbench/python:3.11-bookworm.",
            valueName: "NAME=LOCAL"))
    var entries: [String] = []

    @Option(
        name: .customLong("base-images"),
        help: ArgumentHelp("A base-image map file (the suite's base_images format, alone).", valueName: "FILE"))
    var file: String?

    func validate() throws {
        for entry in entries {
            do {
                _ = try BaseImageMap.entry(fromFlag: entry)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    /// The map the flags give, to lay over a suite's.
    /// - Throws: `ConfigError` when the file cannot be read or is invalid.
    func map() throws -> BaseImageMap {
        var map = try file.map(BaseImageMap.load) ?? BaseImageMap()
        for entry in entries {
            let (reference, local) = try BaseImageMap.entry(fromFlag: entry)
            map.images[reference] = local
            if let recipe = StandInRecipe.inferred(for: reference), local.hasPrefix("containerbench/") {
                map.recipes[local] = map.recipes[local] ?? recipe
            }
        }
        return map
    }
}
