import ContainerBenchStatistics
import Foundation

/// Reads `targets.yaml` into `Targets`; errors name file, line and field.
public enum TargetsLoader {
    /// Loads and validates the targets at `path`.
    public static func load(path: String) throws -> Targets {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: path, message: "cannot read the targets file (does it exist?)")
        }
        return try parse(text, file: path)
    }

    /// Parses targets YAML.
    public static func parse(_ text: String, file: String) throws -> Targets {
        let root = try YAMLNode.parse(text, file: file)
        let top = try root.mapping(allowed: ["version", "budgets", "ratios", "policy"])
        if let version = top["version"], try version.int(in: 1...1000) != 1 {
            throw version.error("unsupported targets version; this containerbench reads version 1")
        }
        var ids: Set<String> = []
        var budgets: [Budget] = []
        for item in try top["budgets"]?.sequence() ?? [] {
            let fields = try item.mapping(allowed: [
                "id", "metric", "statistic", "max", "services", "drivers", "scenario", "description",
            ])
            let id = try requiredName(fields, "id", item)
            guard ids.insert(id).inserted else { throw (fields["id"] ?? item).error("duplicate id '\(id)'") }
            let metric = try parseMetric(fields, item)
            let statistic = try parseStatistic(fields, item, default: metric.isExact ? .value : .median)
            let max = try parseLimit(fields, item, metric: metric)
            budgets.append(
                Budget(
                    id: id, metric: metric, statistic: statistic, max: max,
                    services: try fields["services"]?.stringList() ?? [],
                    drivers: try fields["drivers"]?.stringList() ?? [],
                    scenario: try parseScenario(fields), description: try fields["description"]?.string() ?? ""))
        }
        var ratios: [RatioBudget] = []
        for item in try top["ratios"]?.sequence() ?? [] {
            let fields = try item.mapping(allowed: [
                "id", "metric", "statistic", "numerator", "denominator", "max", "scenario", "services", "description",
            ])
            let id = try requiredName(fields, "id", item)
            guard ids.insert(id).inserted else { throw (fields["id"] ?? item).error("duplicate id '\(id)'") }
            let metric = try parseMetric(fields, item)
            let statistic = try parseStatistic(fields, item, default: .median)
            guard let maxNode = fields["max"] else { throw item.error("missing required key 'max'") }
            let text = try maxNode.string()
            guard let max = Double(text), max > 0, max.isFinite else {
                throw maxNode.error("expected a positive ratio such as 0.4, found '\(text)'")
            }
            ratios.append(
                RatioBudget(
                    id: id, metric: metric, statistic: statistic,
                    numerator: try requiredName(fields, "numerator", item),
                    denominator: try requiredName(fields, "denominator", item), max: max,
                    scenario: try parseScenario(fields), services: try fields["services"]?.stringList() ?? [],
                    description: try fields["description"]?.string() ?? ""))
        }
        var policy = PolicySettings()
        if let node = top["policy"] {
            for (check, levelNode) in try node.mapping(allowed: PolicySettings.checks) {
                let text = try levelNode.string()
                guard let level = PolicyLevel(rawValue: text) else {
                    throw levelNode.error(
                        "unknown level '\(text)'; valid: \(PolicyLevel.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                policy.levels[check] = level
            }
        }
        return Targets(source: file, budgets: budgets, ratios: ratios, policy: policy)
    }

    private static func requiredName(_ fields: [String: YAMLNode], _ key: String, _ item: YAMLNode) throws -> String {
        guard let node = fields[key] else { throw item.error("missing required key '\(key)'") }
        let value = try node.nonEmptyString()
        guard Validation.isName(value) else {
            throw node.error("'\(value)' is not a valid name: use lower-case letters, digits, '-', '_' or '.'")
        }
        return value
    }

    private static func parseMetric(_ fields: [String: YAMLNode], _ item: YAMLNode) throws -> Metric {
        guard let node = fields["metric"] else { throw item.error("missing required key 'metric'") }
        let text = try node.string()
        guard let metric = Metric(rawValue: text) else {
            throw node.error(
                "unknown metric '\(text)'; valid: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return metric
    }

    private static func parseStatistic(
        _ fields: [String: YAMLNode], _ item: YAMLNode, default value: BudgetStatistic
    ) throws -> BudgetStatistic {
        guard let node = fields["statistic"] else { return value }
        let text = try node.string()
        guard let statistic = BudgetStatistic(rawValue: text) else {
            throw node.error(
                "unknown statistic '\(text)'; valid: \(BudgetStatistic.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return statistic
    }

    private static func parseScenario(_ fields: [String: YAMLNode]) throws -> BuildScenario? {
        guard let node = fields["scenario"] else { return nil }
        let text = try node.string()
        guard let scenario = BuildScenario(rawValue: text) else {
            throw node.error(
                "unknown scenario '\(text)'; valid: \(BuildScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return scenario
    }

    private static func parseLimit(_ fields: [String: YAMLNode], _ item: YAMLNode, metric: Metric) throws -> Double {
        guard let node = fields["max"] else { throw item.error("missing required key 'max'") }
        let text = try node.string()
        let value: Double?
        switch metric.unit {
        case .seconds: value = Quantity.seconds(text)
        case .bytes: value = Quantity.bytes(text)
        }
        guard let value, value > 0 else {
            let example = metric.unit == .seconds ? "8s or 500ms" : "450MB or 1.5GB"
            throw node.error("expected a positive limit for \(metric) such as \(example), found '\(text)'")
        }
        return value
    }
}
