import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchHistory
import Foundation
import Logging

/// What every measuring command (`run`, `ab`) opens before it measures, opened in one order in one place: the
/// engine (nothing is measured without one, and no history file is made for nothing), the build client, the host
/// lock (one measuring run per machine), then the history.
public struct MeasuringSession: Sendable {
    public var engine: any ContainerEngine
    public var builder: any ImageBuilder
    /// The client builds run with (for the `--index local` wheel download); nil for builders that need none.
    public var client: BuildKitClient?
    public var lock: any HostLocking
    public var store: any HistoryStore

    /// The steps of opening, in the order they run.
    public enum Step: String, Sendable, CaseIterable {
        case engine, builder, lock, history
    }

    /// Opens the parts of a measuring session, in `Step` order; the first failure stops the rest.
    /// - Throws: `SessionError` (status `infrastructureError`) naming what could not be opened.
    public static func open(
        engine openEngine: () async throws -> any ContainerEngine,
        builder openBuilder: (any ContainerEngine) async throws -> (any ImageBuilder, BuildKitClient?),
        lock openLock: (any ContainerEngine) async throws -> any HostLocking,
        history openHistory: () throws -> any HistoryStore
    ) async throws(SessionError) -> MeasuringSession {
        func failing<T>(_ body: () async throws -> T) async throws(SessionError) -> T {
            do {
                return try await body()
            } catch {
                throw SessionError(.infrastructureError, "\(error)")
            }
        }
        let engine = try await failing(openEngine)
        let (builder, client) = try await failing { try await openBuilder(engine) }
        let lock = try await failing { try await openLock(engine) }
        let store = try await failing(openHistory)
        return MeasuringSession(engine: engine, builder: builder, client: client, lock: lock, store: store)
    }

    /// Opens the real parts: the engine `endpoint` names (connected; nil: `DOCKER_HOST`, else the local socket), a
    /// builder for it (a BuildKit-capable docker client, or `podman build` when the engine is Podman, whose API has
    /// no BuildKit), the host lock and the SQLite history at `historyPath`.
    public static func open(
        endpoint: EngineEndpoint? = nil, historyPath: String, logger: Logger
    ) async throws(SessionError) -> MeasuringSession {
        try await open(endpoint: endpoint, history: .file(historyPath), logger: logger)
    }

    /// Opens the real parts with the history at `location` (a SQLite file or a shared PostgreSQL database).
    public static func open(
        endpoint: EngineEndpoint? = nil, history location: HistoryLocation, logger: Logger
    ) async throws(SessionError) -> MeasuringSession {
        try await open(
            engine: {
                let engine = try DockerEngine(endpoint: endpoint)
                try await engine.connect()
                return engine
            },
            builder: { engine in try await openBuilder(for: engine, logger: logger) },
            lock: { engine in try await HostLock.forEngine(engine) },
            history: { try location.open() })
    }

    /// The builder for `engine`: `PodmanImageBuilder` when Podman answers, else `BuildKitImageBuilder` with the
    /// BuildKit-capable docker client found (returned too, for the local package index).
    /// - Throws: `BuildError` when no client can build for the engine.
    public static func openBuilder(
        for engine: any ContainerEngine, logger: Logger
    ) async throws -> (any ImageBuilder, BuildKitClient?) {
        if (try? await engine.version())?.kind == .podman {
            return (try await PodmanImageBuilder.discover(engine: engine, logger: logger), nil)
        }
        let client = try await BuildKitClient.discover(engine: engine)
        return (BuildKitImageBuilder(client: client, engine: engine, logger: logger), client)
    }

    /// A run session over these parts, measured with `instruments` (default: the real ones for the engine, see
    /// `MeasuringInstruments.real(for:)`).
    public func runSession(
        instruments: MeasuringInstruments? = nil, logger: Logger,
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) -> RunSession {
        RunSession(
            engine: engine, builder: builder, instruments: instruments ?? .real(for: engine), store: store,
            localIndex: client.map { WheelIndexProvider(client: $0) },
            standIns: client.map { BaseImageBootstrapper(engine: engine, client: $0, logger: logger) }, logger: logger,
            progress: progress)
    }
}
