import Foundation

/// A container engine as containerbench uses it: images, containers, logs, events. The run session, the trial
/// runner, `gc` and `doctor` speak only this protocol; `DockerEngine` implements it over the Docker Engine API, and
/// the test-support target has an in-memory engine that drives the same orchestration in unit tests.
///
/// Every method throws `EngineError`; a missing image or container is a normal answer where the method says so.
public protocol ContainerEngine: Sendable {
    /// Where the engine is reached, and what a docker CLI (the BuildKit client) must be told to reach the same one.
    var endpoint: EngineEndpoint { get }

    /// The environment a docker (or podman) CLI needs to reach this very engine: `endpoint.clientEnvironment`,
    /// except where the engine itself provides the way in (an SSH tunnel's socket, links to TLS files).
    var clientEnvironment: [String: String] { get }

    /// Checks that the engine answers and speaks a supported API version.
    /// - Returns: the engine's version.
    @discardableResult
    func connect() async throws(EngineError) -> EngineVersion

    /// The engine's version.
    func version() async throws(EngineError) -> EngineVersion

    /// Engine facts for the environment fingerprint and `doctor` (storage driver, cgroup version, CPUs, memory).
    func info() async throws(EngineError) -> EngineInfo

    /// Inspects an image; nil when it does not exist.
    func inspectImage(_ name: String) async throws(EngineError) -> ImageInspect?

    /// An image's layers, newest first.
    func imageHistory(_ name: String) async throws(EngineError) -> [ImageHistoryItem]

    /// Removes an image (forced); a missing image is not an error.
    func removeImage(_ name: String) async throws(EngineError)

    /// Removes untagged images that carry `label`; returns the bytes reclaimed.
    @discardableResult
    func pruneDanglingImages(withLabel label: String) async throws(EngineError) -> Int64

    /// Ids of images that carry `label` (`key` or `key=value`).
    func images(withLabel label: String) async throws(EngineError) -> [String]

    /// Tags image `source` (a name or id) as `repository:tag`.
    func tagImage(_ source: String, repository: String, tag: String) async throws(EngineError)

    /// The `repository:tag` names of the images whose repository is `repository`.
    func imageTags(repository: String) async throws(EngineError) -> [String]

    /// Streams `docker save` of `image` into `file`; returns the bytes written. A partial file is removed.
    @discardableResult
    func saveImage(_ image: String, to file: URL) async throws(EngineError) -> Int64

    /// Creates a container; returns its id.
    func createContainer(_ spec: ContainerSpec) async throws(EngineError) -> String

    /// Starts a created container.
    func startContainer(_ id: String) async throws(EngineError)

    /// Inspects a container.
    func inspectContainer(_ id: String) async throws(EngineError) -> ContainerInspect

    /// Stops a container, waiting up to `timeout` seconds before the engine kills it.
    func stopContainer(_ id: String, timeout: Int) async throws(EngineError)

    /// Removes a container (forced, with its anonymous volumes); a missing container is not an error.
    func removeContainer(_ id: String) async throws(EngineError)

    /// The last `tail` lines of a container's output.
    func logs(_ id: String, tail: Int) async throws(EngineError) -> String

    /// Ids of containers (running or not) that carry `label` (`key` or `key=value`).
    func containers(withLabel label: String) async throws(EngineError) -> [String]

    /// Labels of a container.
    func labels(ofContainer id: String) async throws(EngineError) -> [String: String]

    /// Containers (running or not) that carry `label`, with their labels and creation times: who owns them.
    func listContainers(withLabel label: String) async throws(EngineError) -> [EngineObject]

    /// Images that carry `label`, with their labels and creation times.
    func listImages(withLabel label: String) async throws(EngineError) -> [EngineObject]

    /// Starts following health and exit events of containers labelled `label`; returns once the engine accepted
    /// the request (or failed: then `isConnected` is false), so no event of a container created afterwards is lost.
    func followEvents(label: String) async -> any ContainerEventSource
}

/// Health and exit events of one run's containers, as the engine reported them, stamped on the monotonic clock.
public protocol ContainerEventSource: Sendable {
    /// Events seen so far for one container, oldest first.
    func events(for containerID: String) -> [EngineEvent]

    /// Whether the source is following the engine (without it, trials poll the container's state).
    var isConnected: Bool { get }

    /// Stops following.
    func stop()
}

extension ContainerEngine {
    /// `endpoint.clientEnvironment`.
    public var clientEnvironment: [String: String] { endpoint.clientEnvironment }

    /// This process's runner on this engine: this host and the engine's endpoint (`CONTAINERBENCH_RUNNER`
    /// overrides).
    public var runner: RunnerIdentity { RunnerIdentity.of(endpoint) }

    /// Whether an image exists; false also when the engine cannot say.
    public func hasImage(_ name: String) async -> Bool {
        ((try? await inspectImage(name)) ?? nil) != nil
    }

    /// Stops a container with a 5 s grace period.
    public func stopContainer(_ id: String) async throws(EngineError) {
        try await stopContainer(id, timeout: 5)
    }

    /// The last 50 lines of a container's output.
    public func logs(_ id: String) async throws(EngineError) -> String {
        try await logs(id, tail: 50)
    }
}
