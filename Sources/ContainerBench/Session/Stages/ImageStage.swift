import ContainerBenchAnalysis
import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchMeasure
import ContainerBenchModel
import Foundation

/// Inspects each built image: size, layers, the share of its base, configuration and policy findings, and (on
/// request) its compressed size and wasted layer bytes.
public struct ImageStage: Sendable {
    /// What the inspection found.
    public struct Result: Sendable {
        public var images: [ImageRecord] = []
        public var policy: [PolicyFinding] = []
        public var warnings: [String] = []
        public var errors: [String] = []
    }

    /// An image stage.
    public init() {}

    /// Inspects the images of `built` in the plan's pair order.
    public func run(_ context: MeasureContext, built: [ServiceDriver: String]) async -> Result {
        var result = Result()
        for (service, driver) in context.plan.pairs {
            guard let tag = built[ServiceDriver(service: service.name, driver: driver.name)] else { continue }
            context.progress.advance(.inspect, service.name, driver.name, "inspect image", kind: "inspect")
            do {
                var (image, findings) = try await inspect(tag, service: service, driver: driver, context: context)
                if context.plan.measureCompressedSize {
                    do {
                        let meter = CompressedSizeMeter(workDirectory: context.settings.workDirectory)
                        let size = try await meter.measure(image: tag, engine: context.engine)
                        image.compressedBytes = size.compressedBytes
                        if size.waste.wastedBytes >= 1_000_000 {
                            result.warnings.append(
                                "\(service.name)/\(driver.name): \(size.waste.wastedBytes / 1_000_000) MB in the "
                                    + "layers are files a later layer overwrites or deletes (efficiency "
                                    + String(format: "%.1f", size.waste.efficiency * 100) + " %)")
                        }
                        context.logger.info(
                            "compressed size",
                            metadata: [
                                "image": .string(tag), "bytes": .stringConvertible(size.compressedBytes),
                                "seconds": .string(String(format: "%.1f", size.seconds)),
                            ])
                    } catch {
                        result.warnings.append("compressed size of \(tag) not measured: \(error)")
                    }
                }
                result.images.append(image)
                result.policy += findings
            } catch {
                result.errors.append("inspect of \(tag): \(error)")
            }
        }
        return result
    }

    /// One image's record and policy findings.
    func inspect(
        _ tag: String, service: ServiceSpec, driver: DriverSpec, context: MeasureContext
    ) async throws -> (ImageRecord, [PolicyFinding]) {
        guard let inspect = try await context.engine.inspectImage(tag) else {
            throw EngineError(.notFound, "image \(tag) vanished after its build")
        }
        let history = try await context.engine.imageHistory(tag)
        let layers = history.reversed().map { ImageLayer(createdBy: $0.createdBy, bytes: $0.size) }
        var baseBytes: Int64?
        if let dockerfile = try? Dockerfile.load(path: driver.dockerfile),
            let finalBase = try? dockerfile.finalBase(buildArgs: driver.buildArgs, target: driver.target),
            let base = await BaseImageResolver(engine: context.engine, map: context.settings.baseImageMap)
                .resolve(finalBase.name)
        {
            baseBytes = ((try? await context.engine.inspectImage(base.image)) ?? nil)?.size
        }
        let configuration = inspect.configuration
        let image = ImageRecord(
            service: service.name, driver: driver.name, imageID: inspect.id, bytes: inspect.size, baseBytes: baseBytes,
            layers: layers, user: configuration.user, hasHealthcheck: configuration.declaresHealthcheck)
        let findings = ImagePolicy.check(
            service: service.name, driver: driver.name, configuration: configuration, buildArgs: driver.buildArgs)
        return (image, findings)
    }
}
