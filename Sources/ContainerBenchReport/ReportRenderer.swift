import Foundation

/// Renders a run's report in any `ReportFormat`.
public enum ReportRenderer {
    /// The report of `input` as `format`.
    /// - Throws: `ReportError` with code `.encoding` when a JSON format cannot encode a value, `.nothingToExport`
    ///   when the run has no figure for github-action-benchmark (which rejects an empty array) or no inventory of
    ///   the image a CycloneDX SBOM is asked of, `.noSuchImage` when that image is not in the run or not named.
    public static func render(_ input: ReportInput, as format: ReportFormat) throws -> String {
        switch format {
        case .markdown: return MarkdownReport(input).render()
        case .json: return try JSONReport(input).render()
        case .junit: return JUnitReport(input).render()
        case .html: return HTMLReport(input).render()
        case .text: return TerminalSummary(input).render()
        case .bencher: return try BencherReport(input).render()
        case .githubBenchmark: return try GitHubBenchmarkReport(input).render()
        case .openMetrics: return OpenMetricsReport(input).render()
        case .cyclonedx: return try CycloneDXReport(input).render()
        }
    }
}
