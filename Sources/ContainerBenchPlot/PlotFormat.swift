import Foundation

/// An image format gnuplot renders a chart to.
public enum PlotFormat: String, Sendable, Codable, CaseIterable {
    /// A raster image through the pngcairo terminal.
    case png
    /// A vector image through the svg terminal.
    case svg

    /// The file name extension of an image in this format.
    public var fileExtension: String { rawValue }

    /// The gnuplot `set terminal` line for an image of `width` × `height` pixels.
    func terminal(width: Int, height: Int) -> String {
        switch self {
        case .png:
            return "set terminal pngcairo size \(width),\(height) noenhanced font 'DejaVu Sans,10'"
        case .svg:
            return "set terminal svg size \(width),\(height) dynamic noenhanced font 'DejaVu Sans,10' "
                + "background rgb '#ffffff'"
        }
    }
}
