import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Synchronization

/// Records containers' memory from their cgroup files on this host (v1 or v2): the sampler of real trials.
public struct CgroupMemorySampler: MemorySampler {
    /// The cgroup file system's mount point.
    public var root: String
    /// Seconds between samples (25 ms = 40 Hz).
    public var interval: Double

    /// A sampler of the cgroups under `root`, every `interval` seconds.
    public init(root: String = "/sys/fs/cgroup", interval: Double = 0.025) {
        self.root = root
        self.interval = interval
    }

    /// The container's cgroup files.
    public var source: MeasurementProvenance.MemorySource { .cgroupFiles }

    /// `interval`.
    public var nominalInterval: Double? { interval }

    public func start(containerID: String, origin: Double) -> (any MemoryRecording)? {
        guard let location = CgroupMemoryRecording.locate(containerID: containerID, root: root) else { return nil }
        return CgroupMemoryRecording(location: location, origin: origin, interval: interval)
    }
}

/// Reads a container's memory from its cgroup files (v1 or v2) on a thread of its own, at a fixed interval
/// (default 25 ms, 40 Hz), from the moment it is started until `stop()`; then reads the kernel's peak counter,
/// which must happen before the container stops (the directory disappears with it).
public final class CgroupMemoryRecording: MemoryRecording {
    /// Where a container's memory files are.
    public struct Location: Sendable, Equatable {
        public var directory: String
        public var version: Int
    }

    private final class Box: Sendable {
        let mutex = Mutex<(samples: [MemorySample], stopped: Bool)>(([], false))
    }

    public let location: Location
    public let interval: Double
    private let origin: Double
    private let box = Box()
    private let finished = DispatchSemaphore(value: 0)

    /// Finds the cgroup directory of container `id` on this host, trying Docker's and Podman's layouts (cgroupfs
    /// and systemd drivers) of v1 and v2: `docker/<id>`, `system.slice/docker-<id>.scope`,
    /// `libpod_parent/libpod-<id>`, `machine.slice/libpod-<id>.scope`, and rootless Podman's user slices.
    public static func locate(containerID id: String, root: String = "/sys/fs/cgroup") -> Location? {
        var candidates: [(String, Int)] = [
            ("\(root)/memory/docker/\(id)", 1),
            ("\(root)/memory/system.slice/docker-\(id).scope", 1),
            ("\(root)/system.slice/docker-\(id).scope", 2),
            ("\(root)/docker/\(id)", 2),
            ("\(root)/memory/libpod_parent/libpod-\(id)", 1),
            ("\(root)/memory/machine.slice/libpod-\(id).scope", 1),
            ("\(root)/libpod_parent/libpod-\(id)", 2),
            ("\(root)/machine.slice/libpod-\(id).scope", 2),
        ]
        // Rootless Podman (v2, systemd): user.slice/user-UID.slice/user@UID.service/user.slice/libpod-<id>.scope.
        let users = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/user.slice")) ?? []
        for slice in users where slice.hasPrefix("user-") && slice.hasSuffix(".slice") {
            let uid = slice.dropFirst("user-".count).dropLast(".slice".count)
            candidates.append(("\(root)/user.slice/\(slice)/user@\(uid).service/user.slice/libpod-\(id).scope", 2))
        }
        for (directory, version) in candidates {
            let probe = version == 1 ? "memory.usage_in_bytes" : "memory.current"
            if FileManager.default.fileExists(atPath: "\(directory)/\(probe)") {
                return Location(directory: directory, version: version)
            }
        }
        return nil
    }

    /// Starts sampling `location`; sample times are seconds since `origin` (the trial's create call).
    public init(location: Location, origin: Double, interval: Double = 0.025) {
        self.location = location
        self.interval = interval
        self.origin = origin
        let thread = Thread { [box, finished, location, origin, interval] in
            defer { finished.signal() }
            while !box.mutex.withLock({ $0.stopped }) {
                if let sample = CgroupMemoryRecording.read(location, origin: origin) {
                    box.mutex.withLock { $0.samples.append(sample) }
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "containerbench-memory"
        thread.start()
    }

    /// Stops sampling and reads the kernel's peak counter (call before the container stops).
    /// - Returns: the summary and the timeline; nil summary when not a single sample was read.
    public func stop() async -> (summary: MemorySummary?, samples: [MemorySample]) {
        let peak = CgroupMemoryRecording.readPeak(location)
        box.mutex.withLock { $0.stopped = true }
        // The sampling thread ends within one interval; waiting for it is blocking work.
        let finished = self.finished
        await runOnBackgroundThread { _ = finished.wait(timeout: .now() + 2) }
        let samples = box.mutex.withLock { $0.samples }
        return (MemorySummary(samples: samples, kernelPeak: peak), samples)
    }

    /// The samples taken so far.
    public var samples: [MemorySample] { box.mutex.withLock { $0.samples } }

    /// Reads one sample; nil when the files are gone (the container stopped).
    static func read(_ location: Location, origin: Double) -> MemorySample? {
        let now = MonotonicClock.now()
        let usageFile = location.version == 1 ? "memory.usage_in_bytes" : "memory.current"
        guard let usage = readInteger("\(location.directory)/\(usageFile)"),
            let stat = try? String(contentsOfFile: "\(location.directory)/memory.stat", encoding: .utf8)
        else { return nil }
        let fields = parseStat(stat)
        let inactiveFile: Int64
        let rss: Int64
        let cache: Int64
        if location.version == 1 {
            inactiveFile = fields["total_inactive_file"] ?? fields["inactive_file"] ?? 0
            rss = fields["total_rss"] ?? fields["rss"] ?? 0
            cache = fields["total_cache"] ?? fields["cache"] ?? 0
        } else {
            inactiveFile = fields["inactive_file"] ?? 0
            rss = fields["anon"] ?? 0
            cache = fields["file"] ?? 0
        }
        return MemorySample(
            t: now - origin, usageBytes: usage, workingSetBytes: max(0, usage - inactiveFile), rssBytes: rss,
            cacheBytes: cache)
    }

    /// The kernel's peak counter: memory.max_usage_in_bytes (v1) or memory.peak (v2, kernel 5.19+).
    static func readPeak(_ location: Location) -> Int64? {
        let file = location.version == 1 ? "memory.max_usage_in_bytes" : "memory.peak"
        return readInteger("\(location.directory)/\(file)")
    }

    static func parseStat(_ text: String) -> [String: Int64] {
        var fields: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int64(parts[1]) { fields[String(parts[0])] = value }
        }
        return fields
    }

    static func readInteger(_ path: String) -> Int64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
