import ContainerBenchModel
import ContainerBenchStatistics
import Foundation

extension ReportDigest.MetricRow {
    /// The name other tools track this row's service × driver under: `fastapi/uv`.
    public var benchmarkName: String { "\(service)/\(driver)" }

    /// The metric as one name that also says the build scenario: `startup_seconds`, `build_seconds` (cold, the
    /// scenario budgets and ratios judge), `warm_build_seconds`, `code_change_install_seconds`. The scenario goes in
    /// front so that the name still ends in its unit, as OpenMetrics asks of names and as every metric's name does.
    public var measureName: String {
        guard let scenario, scenario != .cold else { return metric.rawValue }
        return scenario.rawValue.replacingOccurrences(of: "-", with: "_") + "_" + metric.rawValue
    }

    /// Whether the row has a spread worth exporting: more than one sample of a metric that is not exact.
    var hasSpread: Bool { summary.n > 1 && !metric.isExact }
}
