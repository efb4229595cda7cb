import ContainerBenchSupport
import Foundation

/// Everything one invocation measured. Stored in the history as one transaction.
public struct RunRecord: Sendable, Codable, Equatable {
    /// Unique, sortable: `20261129T013000Z-1a2b3c`.
    public var id: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: RunStatus
    /// A free label ("nightly", "pr-123"), for filtering.
    public var label: String?
    /// The suite file or "command line".
    public var suite: String
    public var environment: EnvironmentFingerprint
    public var builds: [BuildRecord]
    public var images: [ImageRecord]
    /// Trials of the suite's services.
    public var trials: [TrialRecord]
    /// Trials of a minimal container of the same base: the engine's share of startup.
    public var floorTrials: [TrialRecord]
    /// Non-fatal findings (fairness lint, policy), shown in reports.
    public var warnings: [String]
    /// What went wrong, when status is not `completed`, or when a part failed.
    public var errors: [String]

    public init(
        id: String, startedAt: Date, finishedAt: Date? = nil, status: RunStatus = .running, label: String? = nil,
        suite: String, environment: EnvironmentFingerprint, builds: [BuildRecord] = [], images: [ImageRecord] = [],
        trials: [TrialRecord] = [], floorTrials: [TrialRecord] = [], warnings: [String] = [], errors: [String] = []
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.label = label
        self.suite = suite
        self.environment = environment
        self.builds = builds
        self.images = images
        self.trials = trials
        self.floorTrials = floorTrials
        self.warnings = warnings
        self.errors = errors
    }

    /// A new, unique run id for `date`.
    public static func makeID(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return formatter.string(from: date) + "-" + String(repeating: "0", count: 8 - suffix.count) + suffix
    }
}

/// How a run ended.
public enum RunStatus: String, Codable, Sendable {
    case running
    /// Every stage ran; verdicts are meaningful.
    case completed
    /// A part failed (build, trial, engine); the figures that exist are kept but the run is not a baseline.
    case failed
    /// Stopped by SIGINT or SIGTERM.
    case interrupted
}

/// One image build, timed.
public struct BuildRecord: Sendable, Codable, Equatable {
    public var service: String
    public var driver: String
    public var scenario: BuildScenario
    public var seconds: Double
    public var succeeded: Bool
    public var imageID: String?
    /// Per-step times from BuildKit's progress output.
    public var steps: [BuildStep]
    /// The last lines of the build log when the build failed.
    public var logTail: String?

    public init(
        service: String, driver: String, scenario: BuildScenario, seconds: Double, succeeded: Bool,
        imageID: String? = nil, steps: [BuildStep] = [], logTail: String? = nil
    ) {
        self.service = service
        self.driver = driver
        self.scenario = scenario
        self.seconds = seconds
        self.succeeded = succeeded
        self.imageID = imageID
        self.steps = steps
        self.logTail = logTail
    }

    /// The time of the step that installs the Python dependencies, if one was recognised.
    public var installSeconds: Double? {
        steps.first { $0.isDependencyInstall }?.seconds
    }
}

/// One step of a BuildKit build.
public struct BuildStep: Sendable, Codable, Equatable {
    /// BuildKit's vertex name, e.g. `[builder 4/6] RUN uv sync --locked --no-install-project`.
    public var name: String
    public var seconds: Double
    public var cached: Bool

    public init(name: String, seconds: Double, cached: Bool) {
        self.name = name
        self.seconds = seconds
        self.cached = cached
    }

    /// Whether this step installs the Python dependencies (a `uv sync` or `pip install` RUN step).
    public var isDependencyInstall: Bool {
        let lower = name.lowercased()
        guard lower.contains("run ") else { return false }
        return lower.contains("uv sync") || lower.contains("pip install") || lower.contains("uv pip install")
    }
}

/// What an image weighs.
public struct ImageRecord: Sendable, Codable, Equatable {
    public var service: String
    public var driver: String
    public var imageID: String
    /// Uncompressed (inspect Size).
    public var bytes: Int64
    /// gzip of the layers, as a registry stores them; nil when not measured.
    public var compressedBytes: Int64?
    /// Bytes of the layers shared with the base image.
    public var baseBytes: Int64?
    /// Layers, oldest first.
    public var layers: [ImageLayer]
    /// Whether the image runs as a non-root user.
    public var user: String?
    /// Whether the image declares a HEALTHCHECK.
    public var hasHealthcheck: Bool
    /// What is installed: Python distributions and Debian packages (`run --inventory`, or with
    /// `--compressed-size`, from the same saved archive); nil when not read. Absent from older records, which
    /// decode with nil.
    public var inventory: ImageInventory?

    public init(
        service: String, driver: String, imageID: String, bytes: Int64, compressedBytes: Int64? = nil,
        baseBytes: Int64? = nil, layers: [ImageLayer] = [], user: String? = nil, hasHealthcheck: Bool = false,
        inventory: ImageInventory? = nil
    ) {
        self.service = service
        self.driver = driver
        self.imageID = imageID
        self.bytes = bytes
        self.compressedBytes = compressedBytes
        self.baseBytes = baseBytes
        self.layers = layers
        self.user = user
        self.hasHealthcheck = hasHealthcheck
        self.inventory = inventory
    }

    /// Bytes this image adds over its base.
    public var uniqueBytes: Int64? { baseBytes.map { bytes - $0 } }
}

/// One layer of an image, with the instruction that made it.
public struct ImageLayer: Sendable, Codable, Equatable {
    public var createdBy: String
    public var bytes: Int64

    public init(createdBy: String, bytes: Int64) {
        self.createdBy = createdBy
        self.bytes = bytes
    }
}

/// One container start, measured from the create call until ready and through the memory window.
public struct TrialRecord: Sendable, Codable, Equatable {
    public var service: String
    public var driver: String
    /// 0-based position among this service × driver's trials.
    public var index: Int
    public var succeeded: Bool
    /// Why the trial failed: exit code, timeout, unhealthy, with the container's last log lines.
    public var failure: TrialFailure?
    public var phases: StartupPhases
    public var memory: MemorySummary?
    /// The memory timeline, seconds since the create call.
    public var samples: [MemorySample]
    public var load: LoadResult?
    /// Whether the page cache was dropped before the trial.
    public var coldCache: Bool
    /// Which clock, where the probe ran and where memory came from; nil in runs recorded before it was kept.
    public var provenance: MeasurementProvenance?

    public init(
        service: String, driver: String, index: Int, succeeded: Bool, failure: TrialFailure? = nil,
        phases: StartupPhases = StartupPhases(), memory: MemorySummary? = nil, samples: [MemorySample] = [],
        load: LoadResult? = nil, coldCache: Bool = false, provenance: MeasurementProvenance? = nil
    ) {
        self.service = service
        self.driver = driver
        self.index = index
        self.succeeded = succeeded
        self.failure = failure
        self.phases = phases
        self.memory = memory
        self.samples = samples
        self.load = load
        self.coldCache = coldCache
        self.provenance = provenance
    }
}

/// Timestamps of a trial's phases, in seconds since the create call, from one monotonic clock.
public struct StartupPhases: Sendable, Codable, Equatable {
    /// The create call returned.
    public var created: Double?
    /// The start call returned.
    public var started: Double?
    /// The engine's StartedAt, mapped onto the monotonic clock.
    public var running: Double?
    /// The first TCP connection to the service's port on 127.0.0.1 was accepted.
    public var firstTCP: Double?
    /// The health path first answered with an accepted status: the budgeted startup time.
    public var ready: Double?
    /// Docker reported `healthy` (images with a HEALTHCHECK).
    public var healthy: Double?

    public init(
        created: Double? = nil, started: Double? = nil, running: Double? = nil, firstTCP: Double? = nil,
        ready: Double? = nil, healthy: Double? = nil
    ) {
        self.created = created
        self.started = started
        self.running = running
        self.firstTCP = firstTCP
        self.ready = ready
        self.healthy = healthy
    }
}

/// A container's memory over a trial.
public struct MemorySummary: Sendable, Codable, Equatable {
    /// The kernel's own peak counter (memory.max_usage_in_bytes or memory.peak), read before stop.
    public var peakBytes: Int64
    /// The largest sampled usage minus inactive file.
    public var workingSetPeakBytes: Int64
    /// The largest sampled RSS (anon).
    public var rssPeakBytes: Int64
    public var sampleCount: Int
    /// Mean interval between samples, in seconds.
    public var meanIntervalSeconds: Double

    public init(
        peakBytes: Int64, workingSetPeakBytes: Int64, rssPeakBytes: Int64, sampleCount: Int,
        meanIntervalSeconds: Double
    ) {
        self.peakBytes = peakBytes
        self.workingSetPeakBytes = workingSetPeakBytes
        self.rssPeakBytes = rssPeakBytes
        self.sampleCount = sampleCount
        self.meanIntervalSeconds = meanIntervalSeconds
    }

    /// The summary of a trial's `samples`, with the kernel's peak counter `kernelPeak` where it was read (the
    /// peak is never below the largest sampled usage); nil without a sample.
    public init?(samples: [MemorySample], kernelPeak: Int64?) {
        guard let first = samples.first, let last = samples.last else { return nil }
        let sampledPeak = samples.map(\.usageBytes).max() ?? 0
        self.init(
            peakBytes: max(kernelPeak ?? sampledPeak, sampledPeak),
            workingSetPeakBytes: samples.map(\.workingSetBytes).max() ?? 0,
            rssPeakBytes: samples.map(\.rssBytes).max() ?? 0, sampleCount: samples.count,
            meanIntervalSeconds: samples.count > 1 ? (last.t - first.t) / Double(samples.count - 1) : 0)
    }
}

/// One reading of a container's cgroup memory files.
public struct MemorySample: Sendable, Codable, Equatable {
    /// Seconds since the trial's create call.
    public var t: Double
    public var usageBytes: Int64
    public var workingSetBytes: Int64
    public var rssBytes: Int64
    public var cacheBytes: Int64

    public init(t: Double, usageBytes: Int64, workingSetBytes: Int64, rssBytes: Int64, cacheBytes: Int64) {
        self.t = t
        self.usageBytes = usageBytes
        self.workingSetBytes = workingSetBytes
        self.rssBytes = rssBytes
        self.cacheBytes = cacheBytes
    }
}

/// What the load phase measured.
public struct LoadResult: Sendable, Codable, Equatable {
    public var requests: Int
    public var failures: Int
    public var concurrency: Int
    public var seconds: Double
    public var latencyP50: Double
    public var latencyP95: Double
    public var latencyMax: Double
    /// Peak working set while the load ran.
    public var memoryPeakBytes: Int64?

    public init(
        requests: Int, failures: Int, concurrency: Int, seconds: Double, latencyP50: Double, latencyP95: Double,
        latencyMax: Double, memoryPeakBytes: Int64? = nil
    ) {
        self.requests = requests
        self.failures = failures
        self.concurrency = concurrency
        self.seconds = seconds
        self.latencyP50 = latencyP50
        self.latencyP95 = latencyP95
        self.latencyMax = latencyMax
        self.memoryPeakBytes = memoryPeakBytes
    }
}

/// The machine and software a run was measured on; runs are compared only with like.
public struct EnvironmentFingerprint: Sendable, Codable, Equatable {
    public var kernel: String
    public var cpuModel: String
    public var cpuCores: Int
    public var memoryBytes: Int64
    public var engineVersion: String
    public var apiVersion: String
    public var storageDriver: String
    public var cgroupVersion: Int
    public var buildClient: String
    public var harnessVersion: String
    /// Base image IDs by the name of the image used (the original, or its stand-in).
    public var baseImages: [String: String]
    /// Which image each mapped base reference resolved to, and whether it was a stand-in.
    public var baseImageUses: [BaseImageUse]
    /// A content hash of each service's lock files, by "service/file": `fnv1a64:<16 hex>` (FNV-1a 64, which
    /// tells changed from unchanged; not a cryptographic digest).
    public var lockHashes: [String: String]
    /// The suite's git commit and whether the work tree was dirty.
    public var gitCommit: String?
    public var gitDirty: Bool?
    /// CPU and memory limits applied to containers ("none" when unlimited).
    public var limits: String
    /// "pypi" or "local" (a local package index on 127.0.0.1).
    public var indexMode: String
    /// The engine's host as the engine reports it, and how it was reached; nil in runs recorded before it was
    /// kept. `kernel`, `cpuCores` and `memoryBytes` above are the engine host's too.
    public var engineHost: EngineHostFacts?
    /// A digest of the settings each service's trials ran with, by service (`ServiceSpec.trialSettingsDigest`:
    /// port, health check, memory window, load, environment, command, health interval): two runs of one image
    /// under different settings are not an A/B of images. nil in runs recorded before it was kept.
    public var trialSettings: [String: String]?

    public init(
        kernel: String = "", cpuModel: String = "", cpuCores: Int = 0, memoryBytes: Int64 = 0,
        engineVersion: String = "", apiVersion: String = "", storageDriver: String = "", cgroupVersion: Int = 0,
        buildClient: String = "", harnessVersion: String = ContainerBenchVersion.current,
        baseImages: [String: String] = [:], baseImageUses: [BaseImageUse] = [], lockHashes: [String: String] = [:],
        gitCommit: String? = nil,
        gitDirty: Bool? = nil, limits: String = "none", indexMode: String = "pypi", engineHost: EngineHostFacts? = nil,
        trialSettings: [String: String]? = nil
    ) {
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
        self.engineVersion = engineVersion
        self.apiVersion = apiVersion
        self.storageDriver = storageDriver
        self.cgroupVersion = cgroupVersion
        self.buildClient = buildClient
        self.harnessVersion = harnessVersion
        self.baseImages = baseImages
        self.baseImageUses = baseImageUses
        self.lockHashes = lockHashes
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.limits = limits
        self.indexMode = indexMode
        self.engineHost = engineHost
        self.trialSettings = trialSettings
    }

    /// A short hash of what must match for two runs to be compared like with like (machine, engine, base, limits).
    public var comparabilityKey: String {
        let parts = [
            cpuModel, String(cpuCores), String(memoryBytes / 1_000_000_000), engineVersion, storageDriver,
            String(cgroupVersion), limits, indexMode,
        ]
        return StableHash.hex(parts.joined(separator: "|"), length: 12)
    }
}

/// The harness's own version, recorded with every run.
public enum ContainerBenchVersion {
    public static let current = "0.1.0"
}
