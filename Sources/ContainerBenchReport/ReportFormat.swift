import Foundation

/// The formats a run's report is written in.
public enum ReportFormat: String, Sendable, Codable, CaseIterable {
    /// GitHub-flavoured Markdown for a CI job summary or a pull-request comment.
    case markdown = "md"
    /// Versioned JSON (`containerbench.report/v2`, see docs/report-schema.md) for machines.
    case json
    /// JUnit XML: one test case per budget, gate and policy check.
    case junit
    /// One self-contained HTML file for a release sign-off, plots inlined.
    case html
    /// Plain aligned columns for a terminal.
    case text
    /// Bencher Metric Format JSON (`bencher run --adapter json`), see docs/report-schema.md.
    case bencher
    /// github-action-benchmark's `customSmallerIsBetter` JSON array, see docs/report-schema.md.
    case githubBenchmark = "github-benchmark"
    /// OpenMetrics 1.0 text of gauges only: a Prometheus textfile-collector file or a Pushgateway body.
    case openMetrics = "openmetrics"
    /// A CycloneDX 1.5 JSON SBOM of one image of the run (its inventory), see docs/report-schema.md.
    case cyclonedx

    /// The file name extension of a report in this format.
    public var fileExtension: String {
        switch self {
        case .markdown: return "md"
        case .json: return "json"
        case .junit: return "junit.xml"
        case .html: return "html"
        case .text: return "txt"
        case .bencher: return "bencher.json"
        case .githubBenchmark: return "github-benchmark.json"
        case .openMetrics: return "prom"
        case .cyclonedx: return "cdx.json"
        }
    }

    /// The format called `name` (`md`/`markdown`, `json`, `junit`/`xml`, `html`, `text`/`txt`, `bencher`/`bmf`,
    /// `github-benchmark`/`github-action-benchmark`, `openmetrics`/`prometheus`/`prom`, `cyclonedx`/`cdx`/`sbom`).
    /// - Throws: `ReportError` with code `.unknownFormat` for any other name.
    public static func named(_ name: String) throws -> ReportFormat {
        switch name.lowercased() {
        case "md", "markdown": return .markdown
        case "json": return .json
        case "junit", "xml", "junit.xml": return .junit
        case "html", "htm": return .html
        case "text", "txt", "table": return .text
        case "bencher", "bmf": return .bencher
        case "github-benchmark", "github-action-benchmark", "customsmallerisbetter": return .githubBenchmark
        case "openmetrics", "om", "prometheus", "prom": return .openMetrics
        case "cyclonedx", "cdx", "sbom": return .cyclonedx
        default:
            throw ReportError(
                .unknownFormat,
                "unknown report format '\(name)'; use one of md, json, junit, html, text, bencher, github-benchmark, "
                    + "openmetrics, cyclonedx")
        }
    }
}
