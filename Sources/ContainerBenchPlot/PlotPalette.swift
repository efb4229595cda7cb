import ContainerBenchSupport
import Foundation

/// Colours that stay the same for a driver in every chart, so uv is always the same colour.
enum PlotPalette {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    /// Budgets and other limits.
    static let limit = "#d62728"
    /// Change points and phase markers.
    static let marker = "#555555"

    /// The colour of `driver`: uv blue, pip orange, others by a stable hash of the name.
    static func color(forDriver driver: String) -> String {
        switch driver {
        case "uv": return colors[0]
        case "pip": return colors[1]
        default: return colors[2 + Int(StableHash.value(driver) % UInt64(colors.count - 2))]
        }
    }
}
