import ContainerBenchStatistics
import Foundation

/// The budgets a run is judged against (`baselines/targets.yaml`).
public struct Targets: Sendable, Codable, Equatable {
    /// Where the targets came from.
    public var source: String
    public var budgets: [Budget]
    public var ratios: [RatioBudget]
    /// How much each image policy check counts.
    public var policy: PolicySettings

    public init(
        source: String, budgets: [Budget] = [], ratios: [RatioBudget] = [], policy: PolicySettings = PolicySettings()
    ) {
        self.source = source
        self.budgets = budgets
        self.ratios = ratios
        self.policy = policy
    }

    /// The seed's claims as budgets, for a run with no targets file (a user's own repository): startup p95 under
    /// 8 s, image under 450 MB, peak memory under 1.5 GB, and uv's cold build at most 40% of pip's when a service has
    /// both; policy at its defaults.
    public static let builtIn = Targets(
        source: "built-in (the seed's budgets)",
        budgets: [
            Budget(
                id: "startup", metric: .startupSeconds, statistic: .p95, max: 8,
                description: "Container startup p95 under 8 s (seed claim)"),
            Budget(
                id: "image-size", metric: .imageBytes, statistic: .value, max: 450_000_000,
                description: "Image size under 450 MB uncompressed (seed claim)"),
            Budget(
                id: "memory", metric: .memoryPeakBytes, statistic: .max, max: 1_500_000_000,
                description: "Peak container memory under 1.5 GB (seed claim)"),
        ],
        ratios: [
            RatioBudget(
                id: "uv-cold-build", metric: .buildSeconds, statistic: .median, numerator: "uv", denominator: "pip",
                max: 0.4, scenario: .cold, description: "Cold build with uv under 40% of pip's (seed claim)"),
            RatioBudget(
                id: "uv-install", metric: .installSeconds, statistic: .median, numerator: "uv", denominator: "pip",
                max: 0.1, scenario: .cold, description: "uv's install step under 10% of pip's (seed claim)"),
        ])
}

/// An absolute budget: `statistic(metric) < max` for every service × driver (or those selected).
public struct Budget: Sendable, Codable, Equatable {
    /// Stable name used in reports and JUnit ("startup", "image-size").
    public var id: String
    public var metric: Metric
    public var statistic: BudgetStatistic
    /// The limit, in the metric's unit (seconds or bytes).
    public var max: Double
    /// Only these services (all when empty).
    public var services: [String]
    /// Only these drivers (all when empty).
    public var drivers: [String]
    /// Only builds of this scenario (build metrics; cold when nil).
    public var scenario: BuildScenario?
    public var description: String

    public init(
        id: String, metric: Metric, statistic: BudgetStatistic, max: Double, services: [String] = [],
        drivers: [String] = [], scenario: BuildScenario? = nil, description: String = ""
    ) {
        self.id = id
        self.metric = metric
        self.statistic = statistic
        self.max = max
        self.services = services
        self.drivers = drivers
        self.scenario = scenario
        self.description = description
    }

    /// Whether this budget applies to `service` built with `driver`.
    public func applies(service: String, driver: String) -> Bool {
        (services.isEmpty || services.contains(service)) && (drivers.isEmpty || drivers.contains(driver))
    }
}

/// A ratio budget between two drivers of the same service: `statistic(numerator) / statistic(denominator) < max`.
/// The seed's "builds 60% faster with uv" is `build_seconds(uv) / build_seconds(pip) <= 0.4` on cold builds.
public struct RatioBudget: Sendable, Codable, Equatable {
    public var id: String
    public var metric: Metric
    public var statistic: BudgetStatistic
    public var numerator: String
    public var denominator: String
    public var max: Double
    public var scenario: BuildScenario?
    public var services: [String]
    public var description: String

    public init(
        id: String, metric: Metric, statistic: BudgetStatistic, numerator: String, denominator: String, max: Double,
        scenario: BuildScenario? = nil, services: [String] = [], description: String = ""
    ) {
        self.id = id
        self.metric = metric
        self.statistic = statistic
        self.numerator = numerator
        self.denominator = denominator
        self.max = max
        self.scenario = scenario
        self.services = services
        self.description = description
    }
}
