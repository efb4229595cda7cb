import ContainerBenchMeasure
import ContainerBenchModel
import Foundation

/// Makes a run's plan from what the user named: a suite file or one Dockerfile, narrowed to some services and
/// drivers, with the run's settings. Bad input is a `ConfigError` naming the file and flag, before anything runs.
public struct PlanStage: Sendable {
    /// Where the services come from.
    public enum Source: Sendable {
        /// A suite file.
        case suite(path: String)
        /// One Dockerfile measured ad hoc (`run --dockerfile`).
        case dockerfile(AdHocSuite.Spec)
        /// Services of a docker compose file (`run --compose`); all with a `build:` section when none is named.
        case compose(path: String, services: [String], ports: [String: Int])
    }

    public var source: Source
    /// Base-image mappings laid over the source's (`--base-images`, `--base-image`).
    public var baseImages: BaseImageMap
    /// Only these services (all when empty).
    public var services: [String]
    /// Only these drivers (all when empty).
    public var drivers: [String]
    public var scenarios: [BuildScenario]
    /// Overrides every service's trial count.
    public var trials: Int?
    public var label: String?
    public var measureFloor: Bool
    public var options: TrialOptions
    public var measureCompressedSize: Bool
    /// Read each image's inventory (`--inventory`).
    public var measureInventory: Bool
    public var indexMode: PackageIndexMode
    public var wheelCache: URL
    /// Cold builds per service × driver; nil takes the suite's.
    public var buildRepeats: Int?
    /// `--trials auto` (with `trials` as its first rounds) and its time budget.
    public var adaptiveTrials = false
    public var timeBudget: Double?
    /// BuildKit secrets every build gets (`--secret`).
    public var buildSecrets: [BuildSecret] = []

    /// A plan stage; see the properties.
    public init(
        source: Source, baseImages: BaseImageMap = BaseImageMap(), services: [String] = [], drivers: [String] = [],
        scenarios: [BuildScenario] = [.cold],
        trials: Int? = nil, label: String? = nil, measureFloor: Bool = true, options: TrialOptions = TrialOptions(),
        measureCompressedSize: Bool = false, indexMode: PackageIndexMode = .pypi,
        wheelCache: URL = URL(fileURLWithPath: "results/wheels"), measureInventory: Bool = false
    ) {
        self.source = source
        self.baseImages = baseImages
        self.services = services
        self.drivers = drivers
        self.scenarios = scenarios
        self.trials = trials
        self.label = label
        self.measureFloor = measureFloor
        self.options = options
        self.measureCompressedSize = measureCompressedSize
        self.measureInventory = measureInventory
        self.indexMode = indexMode
        self.wheelCache = wheelCache
    }

    /// The plan.
    /// - Throws: `ConfigError` when a file is missing or invalid, or a selected service or driver does not exist.
    public func run() throws -> RunPlan {
        var loaded: Suite
        switch source {
        case .suite(let path):
            loaded = try SuiteLoader.load(path: path)
        case .dockerfile(let spec):
            loaded = try AdHocSuite.make(spec)
        case .compose(let path, let names, let ports):
            loaded = try ComposeSuite.make(
                compose: try ComposeFile.load(path: path), services: names, file: path, ports: ports)
        }
        loaded.baseImageMap = loaded.baseImageMap.merging(baseImages)
        if !services.isEmpty {
            for name in services where loaded.service(named: name) == nil {
                throw ConfigError(file: loaded.source, message: "--service \(name): no such service in the suite")
            }
            loaded.services = loaded.services.filter { services.contains($0.name) }
        }
        if !drivers.isEmpty {
            for index in loaded.services.indices {
                loaded.services[index].drivers = loaded.services[index].drivers.filter { drivers.contains($0.name) }
            }
            loaded.services = loaded.services.filter { !$0.drivers.isEmpty }
            guard !loaded.services.isEmpty else {
                throw ConfigError(
                    file: loaded.source, message: "--driver \(drivers.joined(separator: ",")): no service has it")
            }
        }
        var plan = RunPlan(
            suite: loaded, scenarios: scenarios, trials: trials, label: label, measureFloor: measureFloor,
            options: options, measureCompressedSize: measureCompressedSize, indexMode: indexMode,
            wheelCache: wheelCache, measureInventory: measureInventory)
        plan.buildRepeats = buildRepeats
        plan.adaptiveTrials = adaptiveTrials
        plan.timeBudget = timeBudget
        plan.buildSecrets = buildSecrets
        return plan
    }
}
