import ContainerBenchSupport
import Foundation

/// A benchmark suite: the services to measure, how to build them with each driver, and how to judge them ready.
public struct Suite: Sendable, Codable, Equatable {
    /// The file the suite came from (absolute), or a description such as "command line".
    public var source: String
    /// The services, in file order.
    public var services: [ServiceSpec]
    /// Base images named in Dockerfiles, mapped to local images used when the original cannot be pulled.
    public var baseImages: [String: String]
    /// How each stand-in of `baseImages` is made, by local image (absent for images the user provides).
    public var standIns: [String: StandInRecipe]
    /// Cold builds per service × driver (`defaults: build_repeats`), so ratio budgets and build times have an
    /// interval; 1 when the suite does not say.
    public var buildRepeats: Int = 1

    public init(
        source: String, services: [ServiceSpec], baseImages: [String: String] = [:],
        standIns: [String: StandInRecipe] = [:]
    ) {
        self.source = source
        self.services = services
        self.baseImages = baseImages
        self.standIns = standIns
    }

    /// The base-image map as one value.
    public var baseImageMap: BaseImageMap {
        get { BaseImageMap(images: baseImages, recipes: standIns) }
        set {
            baseImages = newValue.images
            standIns = newValue.recipes
        }
    }

    /// Every service × driver of the suite, services in file order, each service's drivers in its order: the pairs
    /// a run measures, in the order builds and trials start from.
    public var pairs: [(service: ServiceSpec, driver: DriverSpec)] {
        services.flatMap { service in service.drivers.map { (service: service, driver: $0) } }
    }

    /// The service named `name`, if the suite has one.
    public func service(named name: String) -> ServiceSpec? {
        services.first { $0.name == name }
    }
}

/// One image to benchmark, built with one or more drivers.
public struct ServiceSpec: Sendable, Codable, Equatable {
    /// Short name used in output, labels and the history: `[a-z0-9][a-z0-9_.-]*`.
    public var name: String
    /// The build context directory (absolute).
    public var context: String
    /// The drivers this service is built with, in file order.
    public var drivers: [DriverSpec]
    /// The port the service listens on. Containers use the host network, so nothing is published: the suite tells
    /// the service to listen on 127.0.0.1, and probes and load go to 127.0.0.1:port only.
    public var port: Int
    /// What "ready" means.
    public var health: HealthSpec
    /// Startup trials per driver in a run.
    public var trials: Int
    /// How long to wait for ready before the trial fails, in seconds.
    public var readyTimeout: Double
    /// How long to keep sampling memory after ready, in seconds.
    public var memoryWindow: Double
    /// An optional load phase after ready.
    public var load: LoadSpec?
    /// Files the build scenarios touch.
    public var scenarios: ScenarioFiles
    /// Environment variables set in the container.
    public var environment: [String: String]
    /// The command the container runs instead of the image's CMD; nil keeps the image's.
    public var command: [String]?

    public init(
        name: String, context: String, drivers: [DriverSpec], port: Int, health: HealthSpec, trials: Int = 5,
        readyTimeout: Double = 60, memoryWindow: Double = 10, load: LoadSpec? = nil,
        scenarios: ScenarioFiles = ScenarioFiles(), environment: [String: String] = [:], command: [String]? = nil
    ) {
        self.name = name
        self.context = context
        self.drivers = drivers
        self.port = port
        self.health = health
        self.trials = trials
        self.readyTimeout = readyTimeout
        self.memoryWindow = memoryWindow
        self.load = load
        self.scenarios = scenarios
        self.environment = environment
        self.command = command
    }

    /// The driver named `name`, if this service has one.
    public func driver(named name: String) -> DriverSpec? {
        drivers.first { $0.name == name }
    }

    /// A digest (`fnv1a64:<16 hex>`) of what a trial of this service runs with besides its image: port, health
    /// check, memory window, load, environment, command, and the run's health interval. Equal digests mean an
    /// image measured twice was measured the same way; the values themselves are not kept (an environment may
    /// hold a secret).
    public func trialSettingsDigest(options: TrialOptions) -> String {
        let health = [
            health.path, health.status.map(String.init) ?? "2xx", health.interval.map { "\($0)" } ?? "-",
            health.anyAnswer ? "any" : "http",
        ]
        let load = self.load.map { "\($0.path) \($0.requests)x\($0.concurrency)" } ?? "-"
        // A secret's value never enters the digest (a 64-bit hash of a short password can be reversed by trying
        // them all): rotating it does not make runs incomparable, and the history holds nothing to guess it from.
        let environment = self.environment.keys.sorted().map { key -> String in
            let value = self.environment[key] ?? ""
            let secret = SecretRedactor.isSecretName(key) || SecretRedactor.looksLikeSecret(value)
            return "\(key)=\(secret ? "[secret]" : value)"
        }
        let parts =
            ["port=\(port)", "health=\(health.joined(separator: ","))", "window=\(memoryWindow)", "load=\(load)"]
            + ["interval=\(options.healthInterval.map { "\($0)" } ?? "image")"]
            + [
                "env=\(environment.joined(separator: "\u{1F}"))",
                "command=\(command?.joined(separator: "\u{1F}") ?? "-")",
            ]
        return "fnv1a64:" + StableHash.hex(parts.joined(separator: "\u{1E}"))
    }
}

/// How a service's Python dependencies are installed: a Dockerfile and its build arguments.
public struct DriverSpec: Sendable, Codable, Equatable {
    /// "uv", "pip", or any other name the suite gives.
    public var name: String
    /// The Dockerfile (absolute path).
    public var dockerfile: String
    /// Build arguments passed with `--build-arg`.
    public var buildArgs: [String: String]
    /// This driver's own build context (absolute) when it differs from the service's: `ab` of two git refs builds
    /// each variant from its ref's tree. Nil (suite files) means the service's context.
    public var context: String?
    /// The stage to build (`--target`); nil builds the last stage.
    public var target: String?

    public init(
        name: String, dockerfile: String, buildArgs: [String: String] = [:], context: String? = nil,
        target: String? = nil
    ) {
        self.name = name
        self.dockerfile = dockerfile
        self.buildArgs = buildArgs
        self.context = context
        self.target = target
    }
}

/// The HTTP request that tells a service is ready.
public struct HealthSpec: Sendable, Codable, Equatable {
    /// Absolute path, starting with "/".
    public var path: String
    /// The status that counts as ready; any 2xx when nil.
    public var status: Int?
    /// Overrides the image's HEALTHCHECK interval in trials, in seconds; nil keeps the image's (see
    /// `TrialOptions.healthInterval`, which a run's flag sets for every service).
    public var interval: Double?

    /// Ready means "answers HTTP at all" (any status below 500): for services whose health path nobody gave
    /// (a compose service without a healthcheck).
    public var anyAnswer: Bool = false

    public init(path: String, status: Int? = nil, interval: Double? = nil, anyAnswer: Bool = false) {
        self.path = path
        self.status = status
        self.interval = interval
        self.anyAnswer = anyAnswer
    }

    /// Whether `code` counts as ready.
    public func accepts(_ code: Int) -> Bool {
        if let status { return code == status }
        if anyAnswer { return (100..<500).contains(code) }
        return (200..<300).contains(code)
    }
}

/// A fixed amount of HTTP load applied after ready.
public struct LoadSpec: Sendable, Codable, Equatable {
    public var path: String
    public var requests: Int
    public var concurrency: Int

    public init(path: String, requests: Int, concurrency: Int) {
        self.path = path
        self.requests = requests
        self.concurrency = concurrency
    }
}

/// The files the code-change and deps-change build scenarios touch, relative to the context.
public struct ScenarioFiles: Sendable, Codable, Equatable {
    /// Application files appended to (in a temporary copy of the context) for the code-change scenario.
    public var codeChange: [String]
    /// Files replaced for the deps-change scenario: destination (in the context) → replacement (in the context).
    public var depsChange: [String: String]

    public init(codeChange: [String] = [], depsChange: [String: String] = [:]) {
        self.codeChange = codeChange
        self.depsChange = depsChange
    }
}

/// The build cache situation a build is measured in.
public enum BuildScenario: String, Codable, Sendable, CaseIterable {
    /// No layer cache and empty installer caches.
    case cold
    /// Nothing changed since the previous build.
    case warm
    /// One application file changed.
    case codeChange = "code-change"
    /// One dependency added.
    case depsChange = "deps-change"
}
