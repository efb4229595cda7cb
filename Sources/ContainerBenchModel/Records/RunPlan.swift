import ContainerBenchStatistics
import Foundation

/// What one `run` measures.
public struct RunPlan: Sendable {
    public var suite: Suite
    /// Build scenarios, in the order they are built (cold first).
    public var scenarios: [BuildScenario]
    /// Overrides every service's trial count.
    public var trials: Int?
    public var label: String?
    /// Measure the engine floor (a minimal container of the same base).
    public var measureFloor: Bool
    public var options: TrialOptions
    /// Measure each image's gzip size as a registry stores it (`docker save` + gzip -6 per layer; seconds per
    /// image, see docs/measurement.md).
    public var measureCompressedSize: Bool
    /// Read each image's inventory (Python distributions, Debian packages) from a `docker save` of it; with
    /// `measureCompressedSize` the same save serves both (docs/measurement.md gives the cost).
    public var measureInventory: Bool
    /// Where builds get their packages: PyPI, or the locked wheels served on 127.0.0.1.
    public var indexMode: PackageIndexMode
    /// Where `--index local` keeps the downloaded wheels between runs.
    public var wheelCache: URL
    /// Where temporary files go; removed at the end of the run.
    public var workDirectory: URL
    /// Run no trial unless every service × driver built (an `ab` comparison needs both sides).
    public var trialsNeedEveryBuild = false
    /// Cold builds per service × driver, interleaved across drivers (`--build-repeats`); nil takes the suite's
    /// `build_repeats` (1 when it says nothing). Ratio budgets and build cells are judged on them.
    public var buildRepeats: Int?

    /// `--trials auto`: after the first `trials` rounds, interleaved rounds are added for the pairs whose budgets
    /// or gates are still undecided, up to the verdict policy's maximum, or until `timeBudget` seconds of trials.
    public var adaptiveTrials = false
    /// The rounds of `--trials auto`; nil takes the verdict policy's (`ab` uses its confirmation plan).
    public var adaptivePlan: SequentialPlan?
    /// Duet trials (Bulej et al. 2020): the plan's two drivers of one service start at the same time, the second on
    /// its own port, so that what disturbs one disturbs the other and pairs can be compared one by one.
    public var duet: DuetSpec?
    /// The most seconds `--trials auto` may spend on trials; nil for no limit.
    public var timeBudget: Double?
    /// BuildKit secrets every build gets (`--secret`), for `RUN --mount=type=secret` steps.
    public var buildSecrets: [BuildSecret] = []

    /// The cold builds per service × driver this plan makes.
    public var coldBuildRepeats: Int { max(1, buildRepeats ?? suite.buildRepeats) }

    public init(
        suite: Suite, scenarios: [BuildScenario] = [.cold], trials: Int? = nil, label: String? = nil,
        measureFloor: Bool = true, options: TrialOptions = TrialOptions(), measureCompressedSize: Bool = false,
        indexMode: PackageIndexMode = .pypi, wheelCache: URL = URL(fileURLWithPath: "results/wheels"),
        workDirectory: URL = FileManager.default.temporaryDirectory, measureInventory: Bool = false
    ) {
        self.suite = suite
        self.scenarios = scenarios
        self.trials = trials
        self.label = label
        self.measureFloor = measureFloor
        self.options = options
        self.measureCompressedSize = measureCompressedSize
        self.measureInventory = measureInventory
        self.indexMode = indexMode
        self.wheelCache = wheelCache
        self.workDirectory = workDirectory
    }

    /// Every service × driver the plan measures (the suite's, in its order).
    public var pairs: [(service: ServiceSpec, driver: DriverSpec)] { suite.pairs }

    /// This plan restricted to `pairs`: the same settings, only those services and, within them, those drivers
    /// (what a confirmation run measures again).
    public func restricted(to pairs: [ServiceDriver]) -> RunPlan {
        var restricted = self
        restricted.suite.services = suite.services.compactMap { service in
            var service = service
            service.drivers = service.drivers.filter { driver in
                pairs.contains(ServiceDriver(service: service.name, driver: driver.name))
            }
            return service.drivers.isEmpty ? nil : service
        }
        return restricted
    }
}
