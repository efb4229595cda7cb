import Foundation

/// The charts containerbench draws; reports place each kind in its own section.
public enum PlotKind: String, Sendable, Codable, CaseIterable {
    /// A metric over runs for one service × driver, with budget, noise band and change points.
    case trend
    /// uv vs pip (or any drivers) side by side for one service.
    case driverComparison = "driver-comparison"
    /// Startup times of every trial per service × driver, as box plots with the trials as points.
    case startupDistribution = "startup-distribution"
    /// One trial's memory over time, with its phases marked.
    case memoryTimeline = "memory-timeline"
    /// Bytes per image layer for the drivers of one service.
    case imageLayers = "image-layers"
}
