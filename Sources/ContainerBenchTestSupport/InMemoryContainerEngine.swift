import ContainerBench
import Foundation
import Synchronization

/// A container engine in memory, for testing the orchestration above the engine (the run session, `gc`): images
/// are registered by `ScriptedImageBuilder` (or `addImage`), containers follow their image's `ContainerScript` on a
/// `VirtualClock`, events are derived from the script, and every call is logged for tests to assert on.
///
/// Not a model of Docker: it implements what the session relies on (create → start → inspect → remove, labels,
/// events), refuses what Docker refuses there (an unknown image, starting a removed container), and nothing else.
public final class InMemoryContainerEngine: ContainerEngine {
    /// A call the engine received, in order.
    public enum Call: Sendable, Equatable {
        case create(image: String, id: String)
        case start(id: String)
        case remove(id: String)
        case prune
    }

    /// An image the engine holds.
    public struct Image: Sendable {
        public var id: String
        public var bytes: Int64
        public var layers: [ImageHistoryItem]
        public var configuration: ImageInspect.ImageConfig
        public var labels: [String: String]
        public var script: ContainerScript
        /// When it was added (wall clock), for ownership leases.
        public var created = Date()
    }

    struct Container: Sendable {
        var id: String
        var spec: ContainerSpec
        var script: ContainerScript
        /// When it was created (wall clock), for ownership leases.
        var created = Date()
        var startedAt: Double?
        var removed = false
    }

    struct State: Sendable {
        var images: [String: Image] = [:]
        var containers: [String: Container] = [:]
        var order: [String] = []
        var calls: [Call] = []
        var counter = 0
        /// Ports served on 127.0.0.1 by something other than the engine's containers.
        var foreignPorts: Set<Int> = []
        /// Scripts by image for the n-th container made from it (0-based), overriding the image's.
        var overrides: [String: @Sendable (Int) -> ContainerScript?] = [:]
        var madeFrom: [String: Int] = [:]
        /// What `saveImage` writes for an image name (kept when a build replaces the image).
        var savedArchives: [String: Data] = [:]
    }

    let state = Mutex(State())
    /// The clock containers are scripted on.
    public let clock: VirtualClock
    public let endpoint = EngineEndpoint(socketPath: "/nonexistent/in-memory-engine.sock")

    /// An empty engine on `clock`.
    public init(clock: VirtualClock) {
        self.clock = clock
    }

    // MARK: - Test controls

    /// What `saveImage(name)` writes: a `docker save` archive (`TarArchiveBuilder.savedImage`), kept across builds
    /// that replace the image.
    public func setSavedArchive(_ archive: Data, for name: String) {
        state.withLock { $0.savedArchives[name] = archive }
    }

    /// Registers (or replaces) image `name`.
    public func addImage(
        _ name: String, bytes: Int64 = 150_000_000, layers: [ImageHistoryItem]? = nil,
        configuration: ImageInspect.ImageConfig = .init(
            user: "10001", env: ["PATH=/usr/bin"], healthcheck: .init(test: ["CMD", "true"])),
        labels: [String: String] = [:], script: ContainerScript = ContainerScript()
    ) {
        state.withLock { state in
            state.counter += 1
            let id = "sha256:" + String(format: "%064x", state.counter)
            let history =
                layers ?? [
                    ImageHistoryItem(id: id, createdBy: "CMD [\"serve\"]", size: 0),
                    ImageHistoryItem(id: "<missing>", createdBy: "RUN install", size: bytes / 2),
                    ImageHistoryItem(id: "<missing>", createdBy: "base", size: bytes - bytes / 2),
                ]
            state.images[name] = Image(
                id: id, bytes: bytes, layers: history, configuration: configuration, labels: labels, script: script)
        }
    }

    /// Scripts the n-th container (0-based) made from image `name` by `script(n)` (nil keeps the image's script).
    public func override(_ name: String, script: @escaping @Sendable (Int) -> ContainerScript?) {
        state.withLock { $0.overrides[name] = script }
    }

    /// Makes `port` look served by another process on 127.0.0.1 (or frees it).
    public func setForeignPort(_ port: Int, taken: Bool = true) {
        state.withLock { state in
            if taken { state.foreignPorts.insert(port) } else { state.foreignPorts.remove(port) }
        }
    }

    /// Every call so far, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// The images of the containers created so far, in creation order.
    public var createdImages: [String] {
        state.withLock { state in state.order.compactMap { state.containers[$0]?.spec.image } }
    }

    /// Ids of containers that exist (created and not removed).
    public var liveContainers: [String] {
        state.withLock { state in state.order.filter { state.containers[$0]?.removed == false } }
    }

    /// The labels of every container created so far, in creation order.
    public var createdLabels: [[String: String]] {
        state.withLock { state in state.order.compactMap { state.containers[$0]?.spec.labels } }
    }

    /// The running container's script and start time, if exactly one runs (trials are sequential).
    func runningContainer(at time: Double) -> (script: ContainerScript, startedAt: Double)? {
        state.withLock { state in
            let running = state.containers.values.filter { container in
                guard !container.removed, let started = container.startedAt else { return false }
                return container.script.exitAfter.map { time < started + $0 } ?? true
            }
            guard running.count == 1, let only = running.first, let started = only.startedAt else { return nil }
            return (only.script, started)
        }
    }

    /// Whether `port` is served by another process.
    func isForeign(_ port: Int) -> Bool {
        state.withLock { $0.foreignPorts.contains(port) }
    }

    // MARK: - ContainerEngine

    public func connect() async throws(EngineError) -> EngineVersion { try await version() }

    public func version() async throws(EngineError) -> EngineVersion {
        EngineVersion(version: "in-memory", apiVersion: DockerEngine.minimumAPIVersion)
    }

    public func info() async throws(EngineError) -> EngineInfo {
        EngineInfo(
            storageDriver: "memory", cgroupVersion: "2", cgroupDriver: "none", cpus: 2, memoryBytes: 8_000_000_000)
    }

    public func inspectImage(_ name: String) async throws(EngineError) -> ImageInspect? {
        state.withLock { state in
            state.images[name].map { image in
                var configuration = image.configuration
                configuration.labels = (configuration.labels ?? [:]).merging(image.labels) { _, label in label }
                return ImageInspect(id: image.id, size: image.bytes, config: configuration)
            }
        }
    }

    public func imageHistory(_ name: String) async throws(EngineError) -> [ImageHistoryItem] {
        guard let image = state.withLock({ $0.images[name] }) else {
            throw EngineError(.notFound, "no such image: \(name)")
        }
        return image.layers
    }

    public func removeImage(_ name: String) async throws(EngineError) {
        state.withLock { state in
            // By name, or by id: every tag of the image.
            if state.images.removeValue(forKey: name) == nil {
                state.images = state.images.filter { $0.value.id != name }
            }
        }
    }

    public func pruneDanglingImages(withLabel label: String) async throws(EngineError) -> Int64 {
        state.withLock { $0.calls.append(.prune) }
        return 0
    }

    public func images(withLabel label: String) async throws(EngineError) -> [String] {
        state.withLock { state in
            state.images.filter { Self.matches($0.value.labels, label) }.map(\.value.id).sorted()
        }
    }

    public func tagImage(_ source: String, repository: String, tag: String) async throws(EngineError) {
        try state.withLock { state throws(EngineError) in
            guard let image = state.images[source] ?? state.images.values.first(where: { $0.id == source }) else {
                throw EngineError(.notFound, "No such image: \(source)", status: 404)
            }
            state.images["\(repository):\(tag)"] = image
        }
    }

    public func imageTags(repository: String) async throws(EngineError) -> [String] {
        state.withLock { state in state.images.keys.filter { $0.hasPrefix(repository + ":") }.sorted() }
    }

    public func saveImage(_ image: String, to file: URL) async throws(EngineError) -> Int64 {
        guard let data = state.withLock({ Self.entry($0.savedArchives, image) }) else {
            throw EngineError(.http, "the in-memory engine has no saved archive of \(image) (setSavedArchive)")
        }
        do {
            try data.write(to: file)
        } catch {
            throw EngineError(.transport, "could not write the saved image \(image) to \(file.path): \(error)")
        }
        return Int64(data.count)
    }

    public func createContainer(_ spec: ContainerSpec) async throws(EngineError) -> String {
        // Engine calls take time, as dockerd's do (~50 ms create, ~30 ms start on this project's machines).
        clock.advance(by: 0.05)
        return try state.withLock { state throws(EngineError) -> String in
            guard let image = state.images[spec.image] else {
                throw EngineError(.notFound, "No such image: \(spec.image)", status: 404)
            }
            state.counter += 1
            let id = String(format: "%064x", 0xc0_0000 + state.counter)
            let ordinal = state.madeFrom[spec.image, default: 0]
            state.madeFrom[spec.image] = ordinal + 1
            let script = Self.entry(state.overrides, spec.image)?(ordinal) ?? image.script
            state.containers[id] = Container(id: id, spec: spec, script: script.jittered(ordinal: state.counter))
            state.order.append(id)
            state.calls.append(.create(image: spec.image, id: id))
            return id
        }
    }

    public func startContainer(_ id: String) async throws(EngineError) {
        clock.advance(by: 0.03)
        let now = clock.now()
        try state.withLock { state throws(EngineError) in
            guard var container = state.containers[id], !container.removed else {
                throw EngineError(.notFound, "No such container: \(id)", status: 404)
            }
            container.startedAt = now
            state.containers[id] = container
            state.calls.append(.start(id: id))
        }
    }

    public func inspectContainer(_ id: String) async throws(EngineError) -> ContainerInspect {
        let now = clock.now()
        guard let container = state.withLock({ $0.containers[id] }), !container.removed else {
            throw EngineError(.notFound, "No such container: \(id)", status: 404)
        }
        let exited =
            container.startedAt.flatMap { started in
                container.script.exitAfter.map { now >= started + $0 }
            } ?? false
        let started = container.startedAt.map { Self.engineDate(clock.wallDate(of: $0)) }
        return ContainerInspect(
            id: id,
            state: .init(
                status: exited ? "exited" : (container.startedAt == nil ? "created" : "running"),
                running: container.startedAt != nil && !exited, exitCode: exited ? container.script.exitCode : 0,
                startedAt: started))
    }

    public func stopContainer(_ id: String, timeout: Int) async throws(EngineError) {}

    public func removeContainer(_ id: String) async throws(EngineError) {
        state.withLock { state in
            guard var container = state.containers[id], !container.removed else { return }
            container.removed = true
            state.containers[id] = container
            state.calls.append(.remove(id: id))
        }
    }

    public func logs(_ id: String, tail: Int) async throws(EngineError) -> String {
        guard let container = state.withLock({ $0.containers[id] }) else {
            throw EngineError(.notFound, "No such container: \(id)", status: 404)
        }
        return container.script.logs.split(separator: "\n").suffix(tail).joined(separator: "\n")
    }

    public func containers(withLabel label: String) async throws(EngineError) -> [String] {
        state.withLock { state in
            state.order.filter { id in
                guard let container = state.containers[id], !container.removed else { return false }
                return Self.matches(container.spec.labels, label)
            }
        }
    }

    public func listContainers(withLabel label: String) async throws(EngineError) -> [EngineObject] {
        state.withLock { state in
            state.order.compactMap { id in
                guard let container = state.containers[id], !container.removed,
                    Self.matches(container.spec.labels, label)
                else { return nil }
                return EngineObject(id: id, labels: container.spec.labels, created: container.created)
            }
        }
    }

    public func listImages(withLabel label: String) async throws(EngineError) -> [EngineObject] {
        state.withLock { state in
            var seen = Set<String>()
            return state.images.values.filter { Self.matches($0.labels, label) }.sorted { $0.id < $1.id }
                .compactMap { image in
                    guard seen.insert(image.id).inserted else { return nil }
                    return EngineObject(id: image.id, labels: image.labels, created: image.created)
                }
        }
    }

    public func labels(ofContainer id: String) async throws(EngineError) -> [String: String] {
        guard let container = state.withLock({ $0.containers[id] }) else {
            throw EngineError(.notFound, "No such container: \(id)", status: 404)
        }
        return container.spec.labels
    }

    public func followEvents(label: String) async -> any ContainerEventSource {
        InMemoryEventSource(engine: self, label: label)
    }

    // MARK: - Helpers

    /// `name` without a run's id (`containerbench/fixture:uv-RUNID` → `containerbench/fixture:uv`).
    public static func withoutRunID(_ name: String) -> String {
        guard let cut = name.range(of: #"-\d{8}T\d{6}Z-[0-9a-f]{8}(-confirm)?$"#, options: .regularExpression) else {
            return name
        }
        return String(name[..<cut.lowerBound])
    }

    /// `entries[name]`, or for a run's tag (`REPOSITORY:TAG-RUNID`, `ImageTag`) the entry of `REPOSITORY:TAG`: tests
    /// name images as they are before a run gives them its id.
    static func entry<Value>(_ entries: [String: Value], _ name: String) -> Value? {
        entries[name] ?? entries[withoutRunID(name)]
    }

    /// Whether `labels` carry `filter` (`key` or `key=value`).
    static func matches(_ labels: [String: String], _ filter: String) -> Bool {
        let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
        guard let key = parts.first, let value = labels[key] else { return false }
        return parts.count == 1 || parts[1] == value
    }

    /// RFC 3339 with nanoseconds, as the engine writes StartedAt.
    static func engineDate(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000_000).rounded())
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let base = formatter.string(from: Date(timeIntervalSince1970: seconds))
        return base.replacingOccurrences(of: "Z", with: String(format: ".%09dZ", min(nanos, 999_999_999)))
    }

    /// The events of the containers labelled `label`, at `time`, from their scripts.
    func events(for id: String, label: String, at time: Double) -> [EngineEvent] {
        guard let container = state.withLock({ $0.containers[id] }), Self.matches(container.spec.labels, label),
            let started = container.startedAt
        else { return [] }
        let script = container.script
        var events: [EngineEvent] = []
        if let after = script.healthyAfter, time >= started + after {
            events.append(EngineEvent(containerID: id, action: "health_status: healthy", time: started + after))
        }
        if let after = script.unhealthyAfter, time >= started + after {
            events.append(EngineEvent(containerID: id, action: "health_status: unhealthy", time: started + after))
        }
        if let after = script.exitAfter, time >= started + after {
            events.append(
                EngineEvent(containerID: id, action: "die", time: started + after, exitCode: script.exitCode))
        }
        return events.sorted { $0.time < $1.time }
    }
}

/// The in-memory engine's event stream for one label: events derived from the scripts at the clock's time.
struct InMemoryEventSource: ContainerEventSource {
    let engine: InMemoryContainerEngine
    let label: String

    func events(for containerID: String) -> [EngineEvent] {
        engine.events(for: containerID, label: label, at: engine.clock.now())
    }

    var isConnected: Bool { true }

    func stop() {}
}
