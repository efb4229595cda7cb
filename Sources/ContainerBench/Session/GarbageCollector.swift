import ContainerBenchEngine
import Foundation

/// Finds and removes what containerbench left behind, by label, touching only what its runner owns.
///
/// Many runners may share one engine (docs/security.md): an object is this runner's when its
/// `io.containerbench.runner` label is this runner's id (this host, this engine endpoint). Own containers go when
/// the process that made them is gone (pids are only meaningful on this host); another runner's objects, and
/// those with no runner label (older versions, shared stand-in images), go only once they are older than the lease
/// by the engine's own clock, so a live run elsewhere is never touched: no trial container lives that long.
public struct GarbageCollector: Sendable {
    /// The default lease: longer than any trial container lives (ready timeout and memory window are at most an
    /// hour each) and than a nightly run takes.
    public static let defaultLease: TimeInterval = 3 * 3600

    public var engine: any ContainerEngine
    /// Whose objects these are.
    public var runner: RunnerIdentity
    /// How old another runner's object must be before it is taken for abandoned.
    public var lease: TimeInterval
    /// The engine's clock now (containers' `Created` are on it).
    public var now: @Sendable () -> Date

    public init(
        engine: any ContainerEngine, runner: RunnerIdentity? = nil, lease: TimeInterval = Self.defaultLease,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.engine = engine
        self.runner = runner ?? engine.runner
        self.lease = lease
        self.now = now
    }

    /// What a collection removed, and what it left because another runner may still need it.
    public struct Collection: Sendable, Equatable {
        public var containers: [String] = []
        public var images: [String] = []
        /// Other runners' objects younger than the lease.
        public var spared = 0
    }

    /// Removes this runner's labelled containers whose creating process is gone (or all of them, with
    /// `includeLive`), other runners' past the lease, and with `images` the images by the same rule (this
    /// runner's always).
    public func collect(includeLive: Bool, images: Bool) async throws -> Collection {
        var result = Collection()
        let cutoff = now().addingTimeInterval(-lease)
        for container in try await engine.listContainers(withLabel: "\(ContainerLabels.managed)=1") {
            if runner.owns(container.labels) {
                if !includeLive, let pid = container.labels[ContainerLabels.pid].flatMap({ Int32($0) }),
                    Self.isAlive(pid)
                {
                    continue
                }
            } else if container.created > cutoff {
                result.spared += 1
                continue
            }
            try await engine.removeContainer(container.id)
            result.containers.append(container.id)
        }
        if images {
            for image in try await engine.listImages(withLabel: "\(ContainerLabels.managed)=1") {
                guard runner.owns(image.labels) || image.created <= cutoff else {
                    result.spared += 1
                    continue
                }
                try await engine.removeImage(image.id)
                result.images.append(image.id)
            }
        }
        return result
    }

    /// Whether a process with `pid` exists (signal 0).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
