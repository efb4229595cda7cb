import Foundation
import Yams

extension YAMLNode {
    /// What merge keys may expand to in one mapping: anchors merging anchors that merge anchors (each twice) grow
    /// exponentially, a YAML bomb; no real compose file comes near this.
    static let mergeBudget = 10_000

    /// A mapping's entries in file order, any keys allowed (compose files carry many this reader does not use),
    /// with YAML merge keys (`<<: *defaults`) applied: explicit keys win over merged ones.
    /// - Throws: `ConfigError` for a malformed mapping, or merges that expand beyond `mergeBudget` entries.
    func openMapping() throws -> [(key: String, value: YAMLNode, line: Int?)] {
        var budget = Self.mergeBudget
        return try openMapping(budget: &budget)
    }

    private func openMapping(budget: inout Int) throws -> [(key: String, value: YAMLNode, line: Int?)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value), found \(kind)") }
        var explicit: [(key: String, value: YAMLNode, line: Int?)] = []
        var merged: [(key: String, value: YAMLNode, line: Int?)] = []
        for (key, value) in mapping {
            if key.tag.description == Tag.Name.merge.rawValue {
                let sources: [Node]
                switch value {
                case .mapping: sources = [value]
                case .sequence(let sequence): sources = Array(sequence)
                default: throw child(value, "<<").error("a merge key (<<) takes a mapping or a list of mappings")
                }
                for source in sources {
                    let entries = try YAMLNode(node: source, file: file, path: path).openMapping(budget: &budget)
                    budget -= entries.count + 1
                    guard budget >= 0 else {
                        throw child(value, "<<").error(
                            "merge keys expand to more than \(Self.mergeBudget) entries (anchors merging anchors): "
                                + "not a compose file this tool reads")
                    }
                    for entry in entries where !merged.contains(where: { $0.key == entry.key }) {
                        merged.append((entry.key, child(entry.value.node, entry.key), entry.line))
                    }
                }
                continue
            }
            guard let name = key.string else { throw error("keys must be strings") }
            guard !explicit.contains(where: { $0.key == name }) else {
                throw ConfigError(
                    file: file, line: key.mark?.line, field: child(value, name).path, message: "duplicate key")
            }
            explicit.append((name, child(value, name), key.mark?.line))
        }
        return explicit + merged.filter { entry in !explicit.contains { $0.key == entry.key } }
    }

    /// The value under `key`, or nil.
    func field(_ key: String, in entries: [(key: String, value: YAMLNode, line: Int?)]) -> YAMLNode? {
        entries.first { $0.key == key }?.value
    }

    /// `null`, `~` or an empty value.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return node.null != nil
    }

    /// A scalar of any type (string, number, boolean) as its text.
    func scalarText() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a single value, found \(kind)") }
        return scalar.string
    }

    private func child(_ node: Node, _ name: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path.isEmpty ? name : "\(path).\(name)")
    }
}
