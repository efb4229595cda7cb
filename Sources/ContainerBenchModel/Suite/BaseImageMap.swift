import Foundation

/// Public base images mapped to local stand-ins, with how each stand-in is made. A suite's `base_images`, a
/// `--base-images FILE` and `--base-image NAME=LOCAL` flags each give one; later ones override earlier ones, and
/// references nobody mapped fall back to the built-in recipes (`StandInRecipe.inferred`).
public struct BaseImageMap: Sendable, Equatable {
    /// Reference as a Dockerfile names it → the local image to build from when the original is absent.
    public var images: [String: String]
    /// Local image → how to make it (absent for an image the user provides).
    public var recipes: [String: StandInRecipe]

    /// A map; see the properties.
    public init(images: [String: String] = [:], recipes: [String: StandInRecipe] = [:]) {
        self.images = images
        self.recipes = recipes
    }

    /// This map with `other`'s entries added, `other` winning where both map a reference.
    public func merging(_ other: BaseImageMap) -> BaseImageMap {
        BaseImageMap(
            images: images.merging(other.images) { _, new in new },
            recipes: recipes.merging(other.recipes) { _, new in new })
    }

    /// This map completed for `references`: each reference not mapped yet that a built-in recipe knows is mapped to
    /// that recipe's image. Returns the map and the references it added.
    public func completed(for references: [String]) -> (map: BaseImageMap, added: [String]) {
        var map = self
        var added: [String] = []
        for reference in references where map.images[reference] == nil {
            guard let recipe = StandInRecipe.inferred(for: reference) else { continue }
            map.images[reference] = recipe.defaultImage
            if map.recipes[recipe.defaultImage] == nil { map.recipes[recipe.defaultImage] = recipe }
            added.append(reference)
        }
        return (map, added)
    }

    /// The recipe of the stand-in `reference` maps to: the map's own, else the one inferred from the reference.
    public func recipe(for reference: String) -> StandInRecipe? {
        guard let local = images[reference] else { return nil }
        return recipes[local] ?? StandInRecipe.inferred(for: reference)
    }

    /// `NAME=LOCAL` from `--base-image`.
    /// - Throws: `ConfigError` naming the flag when either side is empty or not an image name.
    public static func entry(fromFlag text: String) throws -> (reference: String, local: String) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, ImageName(parts[0]) != nil, ImageName(parts[1]) != nil else {
            throw ConfigError(
                file: "command line", field: "--base-image",
                message: "'\(text)' is not NAME=LOCAL with two image names (e.g. "
                    + "python:3.12-slim=containerbench/python:3.11-bookworm)")
        }
        return (parts[0], parts[1])
    }

    /// Reads a map file: `base_images:` as in a suite, or the same entries at the top level.
    /// - Throws: `ConfigError` naming file, line and field.
    public static func load(path: String) throws -> BaseImageMap {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: path, field: "--base-images", message: "cannot read the base-image map file")
        }
        let root = try YAMLNode.parse(text, file: path)
        let entries = try root.freeMapping()
        if entries.count == 1, entries[0].key == "base_images" { return try parse(entries[0].value) }
        return try parse(root)
    }

    /// Parses `base_images` entries: `NAME: LOCAL`, or `NAME: {image: LOCAL, recipe: python|uv|uv-python|debian,
    /// release: bookworm|trixie, uv: VERSION}`.
    static func parse(_ node: YAMLNode) throws -> BaseImageMap {
        var map = BaseImageMap()
        for entry in try node.freeMapping() {
            guard ImageName(entry.key) != nil else {
                throw entry.value.error("'\(entry.key)' is not an image name: \(ImageName.problem(entry.key) ?? "")")
            }
            if case .scalar = entry.value.node {
                let local = try entry.value.nonEmptyString()
                guard ImageName(local) != nil else { throw entry.value.error("'\(local)' is not an image name") }
                map.images[entry.key] = local
                continue
            }
            let fields = try entry.value.mapping(allowed: ["image", "recipe", "release", "uv"])
            var recipe = StandInRecipe.inferred(for: entry.key)
            if let kindNode = fields["recipe"] {
                let text = try kindNode.string()
                guard let kind = StandInRecipe.Kind(rawValue: text) else {
                    throw kindNode.error(
                        "unknown recipe '\(text)'; valid: "
                            + StandInRecipe.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                recipe = StandInRecipe(
                    kind: kind, release: recipe?.release ?? "bookworm", uvVersion: recipe?.uvVersion,
                    requestedPython: recipe?.requestedPython)
            }
            if let releaseNode = fields["release"] {
                let release = try releaseNode.string()
                guard StandInRecipe.releases.contains(where: { $0.release == release }) else {
                    throw releaseNode.error("unknown Debian release '\(release)'; valid: bookworm, trixie")
                }
                recipe?.release = release
            }
            if let uvNode = fields["uv"] { recipe?.uvVersion = try uvNode.nonEmptyString() }
            let local: String
            if let imageNode = fields["image"] {
                local = try imageNode.nonEmptyString()
                guard ImageName(local) != nil else { throw imageNode.error("'\(local)' is not an image name") }
            } else if let recipe {
                local = recipe.defaultImage
            } else {
                throw entry.value.error("give 'image' (a local image) or a 'recipe' to make one")
            }
            map.images[entry.key] = local
            if let recipe { map.recipes[local] = recipe }
        }
        return map
    }
}
