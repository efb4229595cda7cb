import Foundation

/// A change someone has reviewed and accepted (a new dependency that makes the image bigger): the regression gate
/// still reports it but marks it acknowledged, so it does not fail the run.
public struct RegressionAcknowledgement: Sendable, Codable, Hashable, CustomStringConvertible {
    public var service: String
    public var driver: String
    public var metric: Metric

    /// Acknowledges changes of `metric` for `service` built with `driver`.
    public init(service: String, driver: String, metric: Metric) {
        self.service = service
        self.driver = driver
        self.metric = metric
    }

    public var description: String { "\(service)/\(driver) \(metric)" }
}
