import ContainerBench
import Foundation
import Testing

/// `report --format github-benchmark` checked against the shape github-action-benchmark reads for
/// `tool: customSmallerIsBetter`: `interface BenchmarkResult { name: string; value: number; range?: string;
/// unit: string; extra?: string }` and `extractCustomBenchmarkResult` (a JSON array; an empty one fails with "No
/// benchmark result was found") in src/extract.ts of https://github.com/benchmark-action/github-action-benchmark
@Suite("github-action-benchmark export")
struct ReportGitHubBenchmarkTests {
    /// The interface's fields with its types: decoding fails on a missing required field or a wrong type.
    struct BenchmarkResult: Decodable {
        var name: String
        var value: Double
        var range: String?
        var unit: String
        var extra: String?
    }

    static func parse(_ text: String) throws -> (keys: [[String]], results: [BenchmarkResult]) {
        let data = Data(text.utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [Any], "top level is an array")
        let keys = try array.map { entry in
            try #require(entry as? [String: Any], "every entry is an object").keys.sorted()
        }
        return (keys, try JSONDecoder().decode([BenchmarkResult].self, from: data))
    }

    @Test("the fixture's array has BenchmarkResult's fields and types, unique names, units the action knows")
    func schema() throws {
        let (keys, results) = try Self.parse(try GitHubBenchmarkReport(ReportFixture.input).render())
        #expect(!results.isEmpty)
        for fields in keys {
            #expect(Set(["name", "unit", "value"]).isSubset(of: fields), "\(fields)")
            #expect(Set(fields).isSubset(of: ["name", "unit", "value", "range", "extra"]), "\(fields)")
        }
        #expect(Set(results.map(\.name)).count == results.count, "names are unique")
        #expect(results.allSatisfy { $0.unit == "s" || $0.unit == "B" })
        #expect(results.allSatisfy { $0.value.isFinite && !$0.name.isEmpty })
        #expect(results.compactMap(\.range).allSatisfy { $0.hasPrefix("± ") })
    }

    @Test("medians as values, MAD as the range, samples and budgets in extra")
    func mapping() throws {
        let (_, results) = try Self.parse(try GitHubBenchmarkReport(ReportFixture.input).render())
        let startup = try #require(results.first { $0.name == "fastapi/uv startup_seconds" })
        #expect(startup.value == 1.24)
        #expect(startup.unit == "s")
        #expect(startup.range == "± 0.07")
        let extra = try #require(startup.extra)
        #expect(extra.contains("n=5: min 1.12 s"))
        #expect(extra.contains("budget startup: pass (median startup_seconds 1.24 s < 8.00 s)"))
        #expect(extra.contains("run \(ReportFixture.runID) (nightly)"))
        let image = try #require(results.first { $0.name == "fastapi/pip image_bytes" })
        #expect(image.value == 453_610_000)
        #expect(image.unit == "B")
        #expect(image.range == nil, "exact metrics have no spread")
        #expect(image.extra?.contains("budget image-size: fail") == true)
        #expect(results.contains { $0.name == "fastapi/uv warm_build_seconds" && $0.value == 3.1 })
        #expect(!results.contains { $0.name.hasPrefix("analytics/pip") })
        let warm = try #require(results.first { $0.name == "fastapi/uv warm_build_seconds" })
        #expect(warm.extra?.contains("budget") == false, "budgets judge cold builds only")
    }

    @Test("a run that measured nothing is refused, since the action fails on an empty array")
    func empty() {
        var input = ReportFixture.input
        input.record.builds = []
        input.record.images = []
        input.record.trials = []
        #expect(throws: ReportError.self) { try GitHubBenchmarkReport(input).render() }
        do {
            _ = try GitHubBenchmarkReport(input).render()
        } catch let error as ReportError {
            #expect(error.code == .nothingToExport)
            #expect(error.message.contains(ReportFixture.runID))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(
        "the new formats are named as the command line spells them",
        arguments: [
            ("bencher", ReportFormat.bencher), ("BMF", .bencher), ("github-benchmark", .githubBenchmark),
            ("github-action-benchmark", .githubBenchmark), ("openmetrics", .openMetrics), ("prometheus", .openMetrics),
        ])
    func named(name: String, format: ReportFormat) throws {
        #expect(try ReportFormat.named(name) == format)
        #expect(try ReportFormat.named(format.rawValue) == format)
    }
}
