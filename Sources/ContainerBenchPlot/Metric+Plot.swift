import ContainerBenchModel
import Foundation

extension Metric {
    /// The unit a chart shows this metric in, and the factor from the stored unit: bytes are drawn as MB.
    var plotScale: (unit: String, factor: Double) {
        switch unit {
        case .seconds: return ("s", 1)
        case .bytes: return ("MB", 1e-6)
        }
    }

    /// An axis label with the unit, e.g. `startup_seconds (s)`.
    var axisLabel: String { "\(rawValue) (\(plotScale.unit))" }
}
