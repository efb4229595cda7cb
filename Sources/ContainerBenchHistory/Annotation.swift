import ContainerBenchModel
import Foundation

/// A change of one metric acknowledged as intended from a run on: the regression gate reports it without alerting.
public struct Annotation: Sendable, Codable, Equatable {
    /// The annotation's id in the history.
    public var id: Int64
    /// The service.
    public var service: String
    /// The driver.
    public var driver: String
    /// The metric whose change is acknowledged.
    public var metric: Metric
    /// The first run the change is acknowledged for; later runs compare against it.
    public var fromRunID: String
    /// Why the change is fine ("moved to a larger base image").
    public var note: String
    /// When it was acknowledged.
    public var createdAt: Date

    /// Makes an annotation.
    public init(
        id: Int64, service: String, driver: String, metric: Metric, fromRunID: String, note: String, createdAt: Date
    ) {
        self.id = id
        self.service = service
        self.driver = driver
        self.metric = metric
        self.fromRunID = fromRunID
        self.note = note
        self.createdAt = createdAt
    }
}
