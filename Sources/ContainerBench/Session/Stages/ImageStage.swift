import ContainerBenchAnalysis
import ContainerBenchBuild
import ContainerBenchEngine
import ContainerBenchMeasure
import ContainerBenchModel
import Foundation

/// Inspects each built image: size, layers, the share of its base, configuration and policy findings, and (on
/// request, from one `docker save` of it) its compressed size, wasted layer bytes and inventory.
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
                if context.plan.measureCompressedSize || context.plan.measureInventory {
                    result.warnings += await measureSaved(tag, into: &image, context: context)
                }
                result.images.append(image)
                result.policy += findings
            } catch {
                result.errors.append("inspect of \(tag): \(error)")
            }
        }
        return result
    }

    /// What needs a `docker save` of the image (its compressed size, its inventory), from one save; the
    /// warnings to show. A failure loses that measurement only, never the image's record.
    func measureSaved(_ tag: String, into image: inout ImageRecord, context: MeasureContext) async -> [String] {
        let plan = context.plan
        let meter = SavedImageMeter(
            compressedSize: plan.measureCompressedSize, inventory: plan.measureInventory,
            workDirectory: context.settings.workDirectory)
        let measured: SavedImageMeter.Result
        do {
            measured = try await meter.measure(image: tag, engine: context.engine)
        } catch {
            let what = [
                plan.measureCompressedSize ? "compressed size" : nil, plan.measureInventory ? "inventory" : nil,
            ]
            .compactMap { $0 }.joined(separator: " and ")
            return ["\(what) of \(tag) not measured: \(error)"]
        }
        var warnings: [String] = []
        let pair = "\(image.service)/\(image.driver)"
        if let size = measured.compressedSize {
            image.compressedBytes = size.compressedBytes
            if size.waste.wastedBytes >= 1_000_000 {
                warnings.append(
                    "\(pair): \(size.waste.wastedBytes / 1_000_000) MB in the layers are files a later layer "
                        + "overwrites or deletes (efficiency " + String(format: "%.1f", size.waste.efficiency * 100)
                        + " %)")
            }
        }
        if let inventory = measured.inventory {
            image.inventory = inventory
            // Odd records (a name taken from a folder) are for whoever digs: the log, not the report.
            for note in measured.notes {
                context.logger.info("inventory", metadata: ["image": .string(tag), "note": .string(note)])
            }
        }
        context.logger.info(
            "saved image measured",
            metadata: [
                "image": .string(tag),
                "compressed_bytes": .string(measured.compressedSize.map { "\($0.compressedBytes)" } ?? "-"),
                "python": .string(measured.inventory.map { "\($0.python.count)" } ?? "-"),
                "debian": .string(measured.inventory.map { "\($0.debian.count)" } ?? "-"),
                "save_seconds": .string(String(format: "%.2f", measured.saveSeconds)),
                "index_seconds": .string(String(format: "%.2f", measured.indexSeconds)),
                "compress_seconds": .string(String(format: "%.2f", measured.compressSeconds)),
                "inventory_seconds": .string(String(format: "%.2f", measured.inventorySeconds)),
            ])
        return warnings
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
            service: service.name, driver: driver.name, configuration: configuration, buildArgs: driver.buildArgs,
            layers: layers.map(\.createdBy), redactor: context.settings.redactor)
        return (image, findings)
    }
}
