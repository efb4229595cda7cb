import ContainerBenchModel
import Foundation

/// One service × driver's inventories on both sides of a comparison, and what the current side adds: the
/// `inventory[]` entries of `containerbench.compare/v2` and `containerbench.ab/v2`. In JSON the diff's keys
/// (`baseline`, `current`, `added`, `removed`, `changed`) sit next to `service` and `driver`.
public struct InventoryComparison: Sendable, Codable, Equatable {
    /// The service.
    public var service: String
    /// The driver (`b vs a` in `ab`).
    public var driver: String
    /// What the current image adds over the baseline's.
    public var diff: InventoryDiff

    /// A comparison; see the properties.
    public init(service: String, driver: String, diff: InventoryDiff) {
        self.service = service
        self.driver = driver
        self.diff = diff
    }

    /// The comparison of two inventories.
    public init(service: String, driver: String, baseline: ImageInventory, current: ImageInventory) {
        self.init(service: service, driver: driver, diff: ImageInventory.diff(from: baseline, to: current))
    }

    /// One comparison per service × driver whose image has an inventory on both sides, in the current run's order.
    public static func pairs(baseline: [ImageRecord], current: [ImageRecord]) -> [InventoryComparison] {
        current.compactMap { image in
            guard let now = image.inventory,
                let was = baseline.first(where: { $0.service == image.service && $0.driver == image.driver })?
                    .inventory
            else { return nil }
            return InventoryComparison(service: image.service, driver: image.driver, baseline: was, current: now)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case service, driver
    }

    /// Decodes `service`, `driver` and the diff's keys beside them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        service = try container.decode(String.self, forKey: .service)
        driver = try container.decode(String.self, forKey: .driver)
        diff = try InventoryDiff(from: decoder)
    }

    /// Encodes `service`, `driver` and the diff's keys in one object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(driver, forKey: .driver)
        try diff.encode(to: encoder)
    }
}
