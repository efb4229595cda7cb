import ContainerBench
import Foundation
import Testing

/// `report --format bencher` checked against the published BMF JSON Schema and limits,
/// https://bencher.dev/docs/reference/bencher-metric-format/ : an object whose keys (`.+`, benchmark names, at most
/// 1024 characters) map to objects whose keys (`.+`, measure names, at most 64 characters) map to objects with the
/// number properties `value` (required), `lower_value` and `upper_value`.
@Suite("Bencher (BMF) export")
struct ReportBencherTests {
    /// The document as plain JSON, with the schema's types enforced: decoding a measure's fields as `Double` fails
    /// on a string, a boolean or a null, so every field the schema calls a number is one.
    static func parse(_ text: String) throws -> (
        keys: [String: [String: [String]]], values: [String: [String: [String: Double]]]
    ) {
        let data = Data(text.utf8)
        let object = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "top level is an object")
        var keys: [String: [String: [String]]] = [:]
        for (benchmark, measures) in object {
            let measures = try #require(measures as? [String: Any], "benchmark \(benchmark) is an object")
            for (measure, metric) in measures {
                let metric = try #require(metric as? [String: Any], "\(benchmark) \(measure) is an object")
                keys[benchmark, default: [:]][measure] = metric.keys.sorted()
            }
        }
        let values = try JSONDecoder().decode([String: [String: [String: Double]]].self, from: data)
        return (keys, values)
    }

    @Test("the fixture's document has the BMF schema's shape and respects its name limits")
    func schema() throws {
        let (keys, values) = try Self.parse(try BencherReport(ReportFixture.input).render())
        #expect(!keys.isEmpty)
        for (benchmark, measures) in keys {
            #expect(!benchmark.isEmpty && benchmark.count <= 1024, "benchmark name \(benchmark)")
            #expect(!measures.isEmpty)
            for (measure, fields) in measures {
                #expect(!measure.isEmpty && measure.count <= 64, "measure name \(measure)")
                #expect(fields.contains("value"), "\(benchmark) \(measure) lacks the required value")
                #expect(Set(fields).isSubset(of: ["value", "lower_value", "upper_value"]), "\(fields)")
                let metric = try #require(values[benchmark]?[measure])
                #expect(metric.values.allSatisfy { $0.isFinite })
                if let lower = metric["lower_value"], let upper = metric["upper_value"], let value = metric["value"] {
                    #expect(lower <= value && value <= upper, "\(benchmark) \(measure): lower ≤ value ≤ upper")
                }
                #expect((metric["lower_value"] == nil) == (metric["upper_value"] == nil), "bounds come in pairs")
            }
        }
    }

    @Test("one benchmark per service × driver, the median as value, min and max of the samples as bounds")
    func mapping() throws {
        let (_, values) = try Self.parse(try BencherReport(ReportFixture.input).render())
        #expect(Set(values.keys) == ["fastapi/uv", "fastapi/pip", "analytics/uv"], "analytics/pip measured nothing")
        let startup = try #require(values["fastapi/uv"]?["startup_seconds"])
        #expect(startup == ["value": 1.24, "lower_value": 1.12, "upper_value": 1.45])
        #expect(values["fastapi/uv"]?["image_bytes"] == ["value": 310_610_000], "exact: no bounds")
        #expect(
            values["fastapi/uv"]?["build_seconds"] == ["value": 41.2, "lower_value": 40.6, "upper_value": 43.9],
            "three cold builds: their range")
        #expect(values["fastapi/uv"]?["warm_build_seconds"] == ["value": 3.1], "one warm build: no bounds")
        #expect(values["fastapi/pip"]?["code_change_build_seconds"]?["value"] == 61)
        #expect(values["fastapi/pip"]?["startup_seconds"]?["value"] == 1.55, "the failed trial is not a sample")
        #expect(values["fastapi/uv"]?["memory_peak_bytes"]?["upper_value"] == 188_000_000)
    }

    @Test("measure names carry the scenario in front and keep the unit at the end")
    func names() throws {
        let document = BencherReport(ReportFixture.input).document()
        let measures = Set(document.values.flatMap(\.keys))
        for measure in measures {
            #expect(measure.hasSuffix("_seconds") || measure.hasSuffix("_bytes"), "\(measure)")
        }
        #expect(measures.contains("code_change_install_seconds"))
        #expect(!measures.contains { $0.contains("-") || $0.contains("cold") })
    }

    @Test("a run that measured nothing is an empty object, which the schema allows")
    func empty() throws {
        var input = ReportFixture.input
        input.record.builds = []
        input.record.images = []
        input.record.trials = []
        input.evaluation = Evaluation(runID: ReportFixture.runID)
        let text = try BencherReport(input).render()
        #expect(try Self.parse(text).values.isEmpty)
    }
}
