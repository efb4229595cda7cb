import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchModel
import Foundation
import Logging

/// A package index served on 127.0.0.1 for the duration of a run.
public protocol RunningLocalIndex: Sendable {
    /// `http://127.0.0.1:PORT`.
    var baseURL: String { get }
    /// Stops serving.
    func stop()
}

extension LocalPackageIndex: RunningLocalIndex {}

/// Starts the `--index local` package index of a run: the suite's locked wheels downloaded once, then served.
public protocol LocalIndexProvider: Sendable {
    /// Prepares the wheels of `plan` and starts serving them.
    /// - Throws: when the wheels cannot be downloaded or the index cannot listen.
    func start(plan: RunPlan, context: MeasureContext) async throws -> any RunningLocalIndex
}

/// Downloads the locked wheels with pip inside the suite's Python base (`WheelPrefetcher`, through the BuildKit
/// client) and serves them with `LocalPackageIndex`.
public struct WheelIndexProvider: LocalIndexProvider {
    public var client: BuildKitClient

    /// A provider downloading with `client`.
    public init(client: BuildKitClient) {
        self.client = client
    }

    public func start(plan: RunPlan, context: MeasureContext) async throws -> any RunningLocalIndex {
        guard let base = await FloorStage.floorImage(context) else {
            throw BuildError(
                "no Python base image of the suite is present to download wheels with; run "
                    + "`containerbench bootstrap` first")
        }
        var files: [URL] = []
        for service in plan.suite.services {
            let folder = URL(fileURLWithPath: service.context)
            let names = ["requirements.txt"] + service.scenarios.depsChange.values.filter { $0.hasSuffix(".txt") }
            for name in names.sorted() {
                let file = folder.appendingPathComponent(name).standardizedFileURL
                if FileManager.default.fileExists(atPath: file.path), !files.contains(file) { files.append(file) }
            }
        }
        let cache = plan.wheelCache.standardizedFileURL
        try await WheelPrefetcher(
            client: client, engine: context.engine, baseImage: base, logger: context.logger
        ).fetch(requirements: files, into: cache)
        let index = try LocalPackageIndex(directory: cache)
        context.logger.info(
            "local package index", metadata: ["url": .string(index.url), "wheels": .string(cache.path)])
        return index
    }
}
