import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// Bytes per image layer for the drivers of one service: one panel of horizontal bars per driver, labelled
/// with the shortened instruction. Layers of zero bytes (ENV, CMD, ...) are counted but not drawn.
public struct ImageLayersChart: GnuplotChartBuilder {
    /// The service.
    public var service: String
    /// The images, one per driver, in panel order.
    public var images: [ImageRecord]

    /// A layer chart of `images` (normally the uv and pip images of `service`).
    public init(service: String, images: [ImageRecord]) {
        self.service = service
        self.images = images
    }

    /// The images of `service` in `record`.
    public init(record: RunRecord, service: String) {
        self.init(service: service, images: record.images.filter { $0.service == service })
    }

    /// The chart.
    /// - Throws: `PlotError.emptySeries` without images, or when an image has no layer with bytes.
    public func makeChart() throws -> GnuplotChart {
        guard !images.isEmpty else { throw PlotError.emptySeries(chart: "image layers", series: "\(service) images") }
        var blocks: [GnuplotChart.DataBlock] = []
        var commands = [
            "set style fill solid 0.8 border -1",
            "set grid xtics",
            "set key bottom right box opaque",
            "set xlabel 'layer size (MB)'",
            "set xrange [0:\(GnuplotText.number(Self.axisMaximum(images)))]",
            "set ytics nomirror",
            "set multiplot layout \(images.count),1 title \(GnuplotText.quoted("image layers of \(service)")) "
                + "font ',13'",
        ]
        var titles: [String] = []
        var height = 60
        for (index, image) in images.enumerated() {
            let drawn = image.layers.enumerated().filter { $0.element.bytes > 0 }
            let name = "\(image.service)/\(image.driver)"
            guard !drawn.isEmpty else {
                throw PlotError.emptySeries(chart: "image layers", series: "\(name) layers (none with bytes)")
            }
            let hidden = image.layers.count - drawn.count
            let block = "layers_\(index + 1)"
            blocks.append(
                .init(
                    name: block,
                    lines: drawn.map { layerIndex, layer in
                        GnuplotText.dataLabel("\(layerIndex + 1) \(Self.shorten(layer.createdBy))") + " "
                            + GnuplotText.number(Double(layer.bytes) * 1e-6)
                    }))
            let panelTitle =
                "\(name): \(MetricUnit.bytes.format(Double(image.bytes))) in \(image.layers.count) layers"
                + (hidden > 0 ? " (\(hidden) empty not shown)" : "")
            commands.append("set title \(GnuplotText.quoted(panelTitle))")
            commands.append("set yrange [\(drawn.count) - 0.5:-0.5]")
            commands.append(
                "plot $\(block) using (column(2)/2):0:(column(2)/2):(0.35):yticlabels(1) with boxxyerror "
                    + "lc rgb '\(PlotPalette.color(forDriver: image.driver))' title \(GnuplotText.quoted(name)), \\\n"
                    + "     $\(block) using 2:0:(sprintf(' %.1f', column(2))) with labels left notitle")
            titles.append(name)
            height += 90 + 26 * drawn.count
        }
        commands.append("unset multiplot")
        return GnuplotChart(
            kind: .imageLayers, title: "image layers of \(service)", width: 1200, height: max(400, height),
            dataBlocks: blocks, commands: commands, seriesTitles: titles)
    }

    /// One x range for every panel, so the drivers' bars compare by length; room on the right for the labels.
    static func axisMaximum(_ images: [ImageRecord]) -> Double {
        let largest = images.flatMap(\.layers).map { Double($0.bytes) * 1e-6 }.max() ?? 1
        return max(1, largest * 1.12)
    }

    /// `createdBy` of `docker history` without the shell prefix and BuildKit suffix, cut to `limit` characters.
    static func shorten(_ createdBy: String, limit: Int = 56) -> String {
        var text = createdBy.singleLine.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.hasSuffix(" # buildkit") { text = String(text.dropLast(" # buildkit".count)) }
        if let range = text.range(of: "/bin/sh -c #(nop) ") {
            text = String(text[range.upperBound...])
        } else if let range = text.range(of: "/bin/sh -c ") {
            // BuildKit writes `RUN |2 ARG=a ARG=b /bin/sh -c cmd`; the classic builder `/bin/sh -c cmd`.
            text = "RUN " + text[range.upperBound...]
        }
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
