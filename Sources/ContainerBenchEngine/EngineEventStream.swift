import ContainerBenchSupport
import Foundation
import Synchronization

/// A container event the engine reported, stamped on the monotonic clock.
public struct EngineEvent: Sendable, Equatable {
    public var containerID: String
    /// "health_status: healthy", "health_status: unhealthy", "die", "oom".
    public var action: String
    /// The engine's own time of the event, mapped onto `MonotonicClock`.
    public var time: Double
    /// The exit code for "die" events.
    public var exitCode: Int?

    /// An event; see the properties.
    public init(containerID: String, action: String, time: Double, exitCode: Int? = nil) {
        self.containerID = containerID
        self.action = action
        self.time = time
        self.exitCode = exitCode
    }
}

/// Follows `GET /events` for the containers of one run (by label) on a thread of its own, with its own curl handle,
/// and keeps what it saw for the trial loop to read. Events carry the engine's nanosecond timestamps, so `healthy`
/// and `die` are timed by the engine, not by when we happened to look.
public final class EngineEventStream: ContainerEventSource {
    private struct State {
        var events: [String: [EngineEvent]] = [:]
        var stopped = false
        var connected = false
        var failure: String?
    }

    /// Holds the lock in a class so that the reading thread can share it (a Mutex cannot be captured).
    private final class Box: Sendable {
        let mutex = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    private let state = Box()
    private let finished = DispatchSemaphore(value: 0)

    /// Starts following events of containers labelled `label` on the local engine at `socketPath`.
    public convenience init(socketPath: String, label: String, apiVersion: String = DockerEngine.minimumAPIVersion) {
        self.init(
            connection: EngineConnection(
                baseURL: "http://localhost", unixSocket: socketPath, tls: nil, display: "unix://\(socketPath)"),
            label: label, apiVersion: apiVersion)
    }

    /// Starts following events of containers labelled `label` on `engine` (through its socket, TLS or tunnel).
    public convenience init(engine: DockerEngine, label: String) {
        self.init(connection: engine.connection, label: label)
    }

    /// Starts following events of containers labelled `label` through `connection`. Returns once the engine
    /// accepted the request (or failed), so that no event of a container created afterwards is missed.
    package init(connection: EngineConnection, label: String, apiVersion: String = DockerEngine.minimumAPIVersion) {
        let filters =
            "{\"type\":[\"container\"],\"label\":[\"\(label)\"],\"event\":[\"health_status\",\"die\",\"oom\"]}"
        let path = "/v\(apiVersion)/events?filters=\(DockerEngine.escape(filters))"
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [state, finished] in
            defer { finished.signal() }
            guard let curl = try? CurlEasy() else {
                state.withLock { $0.failure = "libcurl could not be initialised" }
                ready.signal()
                return
            }
            var buffer = Data()
            var signalled = false
            let response = connection.perform(
                curl, path: path, timeout: 0,
                onChunk: { chunk in
                    if !signalled {
                        signalled = true
                        state.withLock { $0.connected = true }
                        ready.signal()
                    }
                    buffer.append(chunk)
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        let line = buffer[buffer.startIndex..<newline]
                        buffer.removeSubrange(buffer.startIndex...newline)
                        if let event = EngineEventStream.parse(Data(line)) {
                            state.withLock { $0.events[event.containerID, default: []].append(event) }
                        }
                    }
                    // An event is a few hundred bytes: a line that never ends is a broken or hostile engine. The
                    // stream stops (trials then poll the container's state) instead of growing without bound.
                    guard buffer.count <= EngineEventStream.lineLimit else { return false }
                    return !state.withLock { $0.stopped }
                },
                shouldAbort: {
                    if !signalled {
                        // The engine sends headers at once but no body until an event: connected is when curl
                        // first polls us.
                        signalled = true
                        state.withLock { $0.connected = true }
                        ready.signal()
                    }
                    return state.withLock { $0.stopped }
                })
            if !state.withLock({ $0.stopped }) {
                state.withLock { $0.failure = "the engine's event stream ended: \(response.curlMessage)" }
            }
            if !signalled { ready.signal() }
        }
        thread.name = "containerbench-events"
        thread.start()
        _ = ready.wait(timeout: .now() + 3)
    }

    /// Events seen so far for one container, oldest first.
    public func events(for containerID: String) -> [EngineEvent] {
        state.withLock { $0.events[containerID] ?? [] }
    }

    /// Why the stream stopped early, if it did.
    public var failure: String? { state.withLock { $0.failure } }

    /// Whether the stream is following the engine.
    public var isConnected: Bool { state.withLock { $0.connected && $0.failure == nil } }

    /// Stops following; returns within about a second (libcurl's idle progress tick).
    public func stop() {
        let wasStopped = state.withLock { state in
            let was = state.stopped
            state.stopped = true
            return was
        }
        if !wasStopped { _ = finished.wait(timeout: .now() + 3) }
    }

    deinit {
        state.withLock { $0.stopped = true }
    }

    /// The longest event line kept waiting for its end (1 MiB).
    package static let lineLimit = 1 << 20

    /// One line of `GET /events` (Docker's or Podman's shape) as an event; nil for lines it cannot read.
    package static func parse(_ line: Data) -> EngineEvent? {
        struct Actor: Decodable {
            var id: String
            var attributes: [String: String]?
            enum CodingKeys: String, CodingKey {
                case id = "ID"
                case attributes = "Attributes"
            }
        }
        struct Raw: Decodable {
            var action: String?
            var status: String?
            var id: String?
            var timeNano: Int64?
            var actor: Actor?
            enum CodingKeys: String, CodingKey {
                case action = "Action"
                case status, id, timeNano
                case actor = "Actor"
            }
        }
        guard let raw = try? JSONDecoder().decode(Raw.self, from: line) else { return nil }
        guard let id = raw.actor?.id ?? raw.id, let action = raw.action ?? raw.status else { return nil }
        let wall = Date(timeIntervalSince1970: Double(raw.timeNano ?? 0) / 1_000_000_000)
        let attributes = raw.actor?.attributes ?? [:]
        // Docker says "exitCode"; Podman's compatible API says "containerExitCode" (on every event: only a die's
        // counts).
        let exitCode = (attributes["exitCode"] ?? attributes["containerExitCode"]).flatMap { Int($0) }
        // Docker's action is "health_status: healthy"; Podman's is "health_status" with the state as an attribute.
        var normalized = action
        if action == "health_status", let health = attributes["health_status"] {
            normalized = "health_status: \(health)"
        }
        return EngineEvent(
            containerID: id, action: normalized, time: MonotonicClock.monotonic(fromWall: wall),
            exitCode: normalized == "die" ? exitCode : nil)
    }
}
