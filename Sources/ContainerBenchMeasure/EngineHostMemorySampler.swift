import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchSupport
import Foundation
import Synchronization

/// Records containers' memory from their cgroup files on a remote engine's host, where they live: a tiny helper
/// container (the first trial's image, `sleep` in Python, network none, the host's /sys/fs/cgroup mounted
/// read-only, labelled `io.containerbench.helper=memory-sampler`) is started once, and each trial runs a sampling
/// script in it through the Engine API's exec (argument arrays, no shell) that prints the cgroup files every 25 ms
/// (Docker's and Podman's layouts, v1 and v2) with the kernel's peak counter. Sample times are when the lines
/// arrive here (they include the network's latency); the first sample comes a few hundred milliseconds after the
/// start call (exec and Python starting), which the kernel's peak counter covers. When the helper cannot run (no
/// Python in the image, exec refused), the trial falls back to the Engine API's stats
/// (`EngineStatsMemorySampler`), and its provenance says which one measured it. The helper is removed when the
/// sampler is released (and `gc` finds it by its labels).
public final class EngineHostMemorySampler: MemorySampler {
    private final class Helper: Sendable {
        let id = Mutex<(id: String?, failed: String?)>((nil, nil))
    }

    /// The remote engine whose host's cgroup files are read.
    public let engine: DockerEngine
    /// Seconds between samples (25 ms = 40 Hz).
    public let interval: Double
    private let helper = Helper()
    private let fallback: EngineStatsMemorySampler

    /// A sampler of `engine`'s host, every `interval` seconds.
    public init(engine: DockerEngine, interval: Double = 0.025) {
        self.engine = engine
        self.interval = interval
        self.fallback = EngineStatsMemorySampler(engine: engine)
    }

    deinit {
        guard let id = helper.id.withLock({ $0.id }), let curl = try? CurlEasy() else { return }
        _ = engine.connection.perform(
            curl, method: "DELETE", path: "/v\(DockerEngine.minimumAPIVersion)/containers/\(id)?force=1&v=1",
            timeout: 10)
    }

    public var source: MeasurementProvenance.MemorySource { .helperContainer }

    public var nominalInterval: Double? { interval }

    public func start(containerID: String, origin: Double) -> (any MemoryRecording)? {
        // Once the helper could not be made, every trial goes straight to the stats.
        if helper.id.withLock({ $0.failed }) != nil {
            return fallback.start(containerID: containerID, origin: origin)
        }
        return EngineHostMemoryRecording(
            connection: engine.connection, containerID: containerID, origin: origin, interval: interval,
            helperID: { [helper, connection = engine.connection, runner = engine.runner.labels] in
                Self.helperID(helper, connection: connection, imageOf: containerID, runner: runner)
            },
            fallback: { [fallback] in fallback.start(containerID: containerID, origin: origin) })
    }

    /// The helper's id, made on first use from the image of `containerID`; nil (and remembered) when it fails.
    private static func helperID(
        _ helper: Helper, connection: EngineConnection, imageOf containerID: String, runner: [String: String]
    ) -> String? {
        helper.id.withLock { state -> String? in
            if let id = state.id { return id }
            if state.failed != nil { return nil }
            switch makeHelper(connection: connection, imageOf: containerID, runner: runner) {
            case .success(let id): state.id = id
            case .failure(let error): state.failed = error.message
            }
            return state.id
        }
    }

    private static func makeHelper(
        connection: EngineConnection, imageOf containerID: String, runner: [String: String]
    ) -> Result<
        String, MeasureError
    > {
        guard let curl = try? CurlEasy() else { return .failure(MeasureError("libcurl could not be initialised")) }
        let version = "/v\(DockerEngine.minimumAPIVersion)"
        struct Inspect: Decodable {
            var image: String
            enum CodingKeys: String, CodingKey { case image = "Image" }
        }
        let inspected = connection.perform(curl, path: "\(version)/containers/\(containerID)/json", timeout: 10)
        guard inspected.status == 200, let image = try? JSONDecoder().decode(Inspect.self, from: inspected.body).image
        else { return .failure(MeasureError("could not inspect \(containerID.prefix(12)) for the helper's image")) }
        let body: [String: Any] = [
            "Image": image, "Entrypoint": ["python3", "-c", "import time\nwhile True: time.sleep(3600)"],
            "Cmd": [String](), "User": "0",
            // The image's own labels (a trial image carries its run, service and driver) are overridden: the helper
            // belongs to no run's trials.
            "Labels": [
                ContainerLabels.managed: "1", ContainerLabels.pid: String(ProcessInfo.processInfo.processIdentifier),
                "io.containerbench.helper": "memory-sampler", ContainerLabels.run: "memory-helper",
                ContainerLabels.service: "memory-helper", ContainerLabels.driver: "memory-helper",
            ].merging(runner) { _, runner in runner },
            "HostConfig": [
                "NetworkMode": "none", "SecurityOpt": ["no-new-privileges"],
                "Binds": ["/sys/fs/cgroup:/host-cgroup:ro"],
            ],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: body) else {
            return .failure(MeasureError("could not encode the helper's spec"))
        }
        let created = connection.perform(
            curl, method: "POST", path: "\(version)/containers/create", headers: ["Content-Type: application/json"],
            body: data, timeout: 30)
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        guard (200..<300).contains(created.status),
            let id = try? JSONDecoder().decode(Created.self, from: created.body).id
        else {
            return .failure(MeasureError("the engine refused the memory helper container (HTTP \(created.status))"))
        }
        let started = connection.perform(curl, method: "POST", path: "\(version)/containers/\(id)/start", timeout: 30)
        guard (200..<300).contains(started.status) else {
            _ = connection.perform(curl, method: "DELETE", path: "\(version)/containers/\(id)?force=1", timeout: 10)
            return .failure(MeasureError("the memory helper container did not start (HTTP \(started.status))"))
        }
        return .success(id)
    }
}

/// One trial's sampling script in the helper, streamed back over the exec's output on a thread of its own.
final class EngineHostMemoryRecording: MemoryRecording {
    private struct State {
        var samples: [MemorySample] = []
        var peak: Int64?
        var stopped = false
        var fellBack: (any MemoryRecording)?
    }

    private final class Box: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    private let state = Box()
    private let finished = DispatchSemaphore(value: 0)

    /// What the helper runs: find the container's cgroup (Docker's and Podman's layouts, v1 and v2) under
    /// /host-cgroup, then print "usage inactive_file rss cache peak" every interval until the directory goes.
    static let script = """
        import os, sys, time
        cid, interval = sys.argv[1], float(sys.argv[2])
        r = "/host-cgroup"
        c = [(r + "/memory/docker/" + cid, 1), (r + "/memory/system.slice/docker-" + cid + ".scope", 1),
             (r + "/system.slice/docker-" + cid + ".scope", 2), (r + "/docker/" + cid, 2),
             (r + "/memory/libpod_parent/libpod-" + cid, 1), (r + "/memory/machine.slice/libpod-" + cid + ".scope", 1),
             (r + "/libpod_parent/libpod-" + cid, 2), (r + "/machine.slice/libpod-" + cid + ".scope", 2)]
        d = None
        for _ in range(200):
            d = next(((p, v) for p, v in c if os.path.exists(p + ("/memory.usage_in_bytes" if v == 1 else "/memory.current"))), None)
            if d: break
            time.sleep(0.01)
        if not d: print("nocgroup", flush=True); sys.exit(0)
        p, v = d
        u, k = ("memory.usage_in_bytes", "memory.max_usage_in_bytes") if v == 1 else ("memory.current", "memory.peak")
        end = time.monotonic() + 3600
        while time.monotonic() < end:
            try:
                usage = open(p + "/" + u).read().strip()
                s = dict(l.split() for l in open(p + "/memory.stat") if len(l.split()) == 2)
                try: peak = open(p + "/" + k).read().strip()
                except OSError: peak = "0"
            except OSError:
                break
            if v == 1: f = (s.get("total_inactive_file", "0"), s.get("total_rss", "0"), s.get("total_cache", "0"))
            else: f = (s.get("inactive_file", "0"), s.get("anon", "0"), s.get("file", "0"))
            print(usage, *f, peak, flush=True)
            time.sleep(interval)
        """

    init(
        connection: EngineConnection, containerID: String, origin: Double, interval: Double,
        helperID: @escaping @Sendable () -> String?, fallback: @escaping @Sendable () -> (any MemoryRecording)?
    ) {
        let thread = Thread { [state, finished] in
            defer { finished.signal() }
            guard let helper = helperID(), let curl = try? CurlEasy() else {
                state.withLock { $0.fellBack = fallback() }
                return
            }
            let version = "/v\(DockerEngine.minimumAPIVersion)"
            let exec: [String: Any] = [
                "AttachStdout": true, "AttachStderr": true,
                "Cmd": ["python3", "-c", Self.script, containerID, String(interval)],
            ]
            guard let body = try? JSONSerialization.data(withJSONObject: exec) else { return }
            let created = connection.perform(
                curl, method: "POST", path: "\(version)/containers/\(helper)/exec",
                headers: ["Content-Type: application/json"], body: body, timeout: 10)
            struct Created: Decodable {
                var id: String
                enum CodingKeys: String, CodingKey { case id = "Id" }
            }
            guard let execID = try? JSONDecoder().decode(Created.self, from: created.body).id else {
                state.withLock { $0.fellBack = fallback() }
                return
            }
            var frames = Data()
            var text = Data()
            _ = connection.perform(
                curl, method: "POST", path: "\(version)/exec/\(execID)/start",
                headers: ["Content-Type: application/json"],
                body: Data(#"{"Detach":false,"Tty":false}"#.utf8), timeout: 0,
                onChunk: { chunk in
                    frames.append(chunk)
                    text.append(Self.demultiplex(&frames))
                    while let newline = text.firstIndex(of: 0x0A) {
                        let line = String(decoding: text[text.startIndex..<newline], as: UTF8.self)
                        text.removeSubrange(text.startIndex...newline)
                        Self.record(line, origin: origin, into: state)
                    }
                    return !state.withLock { $0.stopped }
                },
                shouldAbort: { state.withLock { $0.stopped } })
        }
        thread.name = "containerbench-memory-helper"
        thread.start()
    }

    var samples: [MemorySample] {
        state.withLock { $0.fellBack?.samples ?? $0.samples }
    }

    var source: MeasurementProvenance.MemorySource? {
        state.withLock { $0.fellBack == nil ? .helperContainer : .engineStats }
    }

    func stop() async -> (summary: MemorySummary?, samples: [MemorySample]) {
        let (state, finished) = (self.state, self.finished)
        if let fellBack = state.withLock({ $0.fellBack }) { return await fellBack.stop() }
        await runOnBackgroundThread {
            // The container still runs: a trial whose window ended before the helper's first line (the helper being
            // made, ssh connecting) waits for one, up to 3 s, so that it has the kernel's peak at least.
            let deadline = MonotonicClock.now() + 3
            while state.withLock({ $0.samples.isEmpty && $0.fellBack == nil }) && MonotonicClock.now() < deadline {
                if finished.wait(timeout: .now() + 0.01) == .success {
                    finished.signal()
                    break
                }
            }
            // The last line printed holds a peak read at most one interval ago; stop reading.
            state.withLock { $0.stopped = true }
            _ = finished.wait(timeout: .now() + 3)
        }
        if let fellBack = state.withLock({ $0.fellBack }) { return await fellBack.stop() }
        let (samples, peak) = state.withLock { ($0.samples, $0.peak) }
        return (MemorySummary(samples: samples, kernelPeak: peak), samples)
    }

    private static func record(_ line: String, origin: Double, into state: Box) {
        let fields = line.split(separator: " ").compactMap { Int64($0) }
        guard fields.count == 5 else { return }
        let sample = MemorySample(
            t: MonotonicClock.now() - origin, usageBytes: fields[0], workingSetBytes: max(0, fields[0] - fields[1]),
            rssBytes: fields[2], cacheBytes: fields[3])
        state.withLock { state in
            state.samples.append(sample)
            if fields[4] > 0 { state.peak = max(state.peak ?? 0, fields[4]) }
        }
    }

    /// Takes the payloads of the complete 8-byte-header frames at the front of `frames` (stdout and stderr of an
    /// exec without a TTY), leaving a partial frame for the next chunk.
    static func demultiplex(_ frames: inout Data) -> Data {
        var output = Data()
        let bytes = [UInt8](frames)
        var offset = 0
        while offset + 8 <= bytes.count {
            let size =
                Int(bytes[offset + 4]) << 24 | Int(bytes[offset + 5]) << 16 | Int(bytes[offset + 6]) << 8
                | Int(bytes[offset + 7])
            guard offset + 8 + size <= bytes.count else { break }
            if bytes[offset] == 1 { output.append(contentsOf: bytes[(offset + 8)..<(offset + 8 + size)]) }
            offset += 8 + size
        }
        frames = Data(bytes[offset...])
        return output
    }
}
