import ContainerBench
import Foundation
import Testing

/// `report --format openmetrics` checked against the OpenMetrics 1.0 spec
/// (https://prometheus.io/docs/specs/om/open_metrics_spec/) with the self-contained `OpenMetricsValidator`, and,
/// where Debian's python3-prometheus-client is installed (`make test-packages` installs it; CI requires it), with
/// its strict OpenMetrics parser and its Prometheus 0.0.4 text parser as well.
@Suite("OpenMetrics export")
struct ReportOpenMetricsTests {
    static func families(_ input: ReportInput = ReportFixture.input) throws -> [OpenMetricsValidator.Family] {
        try OpenMetricsValidator.parse(OpenMetricsReport(input).render())
    }

    static func family(_ name: String, in families: [OpenMetricsValidator.Family]) -> OpenMetricsValidator.Family? {
        families.first { $0.name == "containerbench_" + name }
    }

    @Test("the fixture's exposition is valid OpenMetrics: gauges with TYPE, UNIT and HELP, no timestamps, # EOF")
    func valid() throws {
        let text = OpenMetricsReport(ReportFixture.input).render()
        #expect(text.hasSuffix("\n# EOF\n"))
        let families = try OpenMetricsValidator.parse(text)
        #expect(families.count >= 10)
        for family in families {
            #expect(family.name.hasPrefix("containerbench_"))
            #expect(family.type == "gauge", "\(family.name) is \(family.type)")
            #expect(family.metadata.first == "TYPE", "\(family.name): TYPE first")
            #expect(family.help?.isEmpty == false, "\(family.name) has no HELP")
            #expect(family.help?.contains("\"") == false, "\(family.name): the 0.0.4 parser knows no \\\" in HELP")
            #expect(!family.samples.isEmpty, "\(family.name) has no samples")
            #expect(
                family.samples.allSatisfy { $0.timestamp == nil }, "\(family.name): the Pushgateway refuses timestamps")
            let labelSets = Set(family.samples.map { $0.labelNames.sorted() })
            #expect(labelSets.count == 1, "\(family.name): every sample SHOULD have the same label names")
            if let unit = family.unit {
                #expect(["seconds", "bytes", "ratio"].contains(unit))
            }
        }
        let seconds = try #require(Self.family("startup_seconds", in: families))
        #expect(seconds.unit == "seconds")
        #expect(Self.family("image_bytes", in: families)?.unit == "bytes")
        #expect(Self.family("verdict", in: families)?.unit == nil)
    }

    @Test("maps medians, statistics, the verdict and budgets to the families the docs name")
    func mapping() throws {
        let families = try Self.families()
        func value(_ family: String, _ labels: [String: String]) -> Double? {
            Self.family(family, in: families)?.samples.first { sample in
                labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }?.value
        }
        let verdict = try #require(Self.family("verdict", in: families)?.samples.first)
        #expect(verdict.value == 1)
        #expect(verdict.labels["status"] == "budget breached")
        #expect(verdict.labels["run_id"] == ReportFixture.runID)
        #expect(verdict.labels["label"] == "nightly")
        let startup = ["service": "fastapi", "driver": "uv"]
        #expect(value("startup_seconds", startup.merging(["statistic": "median"]) { $1 }) == 1.24)
        #expect(value("startup_seconds", startup.merging(["statistic": "min"]) { $1 }) == 1.12)
        #expect(value("startup_seconds", startup.merging(["statistic": "max"]) { $1 }) == 1.45)
        #expect(value("samples", startup.merging(["metric": "startup_seconds"]) { $1 }) == 5)
        #expect(value("image_bytes", startup.merging(["statistic": "value"]) { $1 }) == 310_610_000)
        #expect(Self.family("image_bytes", in: families)?.samples.count == 3, "exact metrics: one value per image")
        #expect(value("build_seconds", startup.merging(["scenario": "warm", "statistic": "median"]) { $1 }) == 3.1)
        #expect(value("run_started_timestamp_seconds", [:]) == ReportFixture.start.timeIntervalSince1970)
        let imageBudget = ["budget": "image-size", "service": "fastapi", "driver": "pip"]
        #expect(value("budget_limit", imageBudget) == 450_000_000)
        #expect(value("budget_observed", imageBudget) == 453_610_000)
        #expect(value("budget_pass", imageBudget.merging(["outcome": "fail"]) { $1 }) == 0)
        #expect(value("budget_pass", ["budget": "startup", "service": "fastapi", "driver": "uv"]) == 1)
        #expect(value("ratio_budget_limit_ratio", ["budget": "uv-build-faster", "service": "fastapi"]) == 0.4)
        #expect(value("regression_ratio", ["driver": "pip", "metric": "memory_peak_bytes"]) == 1.26999)
        #expect(value("policy_pass", ["check": "healthcheck"]) == 0)
        #expect(Self.family("budget_observed", in: families)?.samples.count == 8, "a missing budget has no observed")
    }

    @Test("label values escape backslash, double quote and line feed, and read back unchanged")
    func escaping() throws {
        var input = ReportFixture.input
        let label = "pr \"7\" C:\\tmp\\\nsecond line {x=\"y\"} \\n"
        input.record.label = label
        let text = OpenMetricsReport(input).render()
        #expect(text.contains(#"label="pr \"7\" C:\\tmp\\\nsecond line {x=\"y\"} \\n""#))
        let families = try OpenMetricsValidator.parse(text)
        let labels = families.flatMap(\.samples).compactMap { $0.labels["label"] }
        #expect(!labels.isEmpty)
        #expect(labels.allSatisfy { $0 == label })
    }

    @Test("numbers follow the ABNF: integers plain, +Inf/-Inf/NaN spelled as the spec asks")
    func numbers() {
        let cases: [(Double, String)] = [
            (1.24, "1.24"), (450_000_000, "450000000"), (0, "0"), (0.00001, "1e-05"), (.infinity, "+Inf"),
            (-.infinity, "-Inf"), (.nan, "NaN"), (2.5e20, "2.5e+20"), (-3, "-3"),
        ]
        for (value, text) in cases {
            #expect(OpenMetricsReport.number(value) == text)
            #expect(OpenMetricsValidator.parseNumber(text) != nil, "\(text) is not a number of the ABNF")
        }
    }

    @Test("a run without budgets, regressions or policy leaves those families out and stays valid")
    func bare() throws {
        var input = ReportFixture.input
        input.evaluation = Evaluation(runID: ReportFixture.runID)
        input.record.label = nil
        let families = try Self.families(input)
        #expect(Self.family("budget_limit", in: families) == nil)
        #expect(Self.family("regression_ratio", in: families) == nil)
        #expect(Self.family("verdict", in: families)?.samples.first?.value == 0)
        #expect(families.flatMap(\.samples).allSatisfy { $0.labels["label"] == nil })
    }

    static let brokenExpositions: [(String, String)] = [
        ("no EOF", "# TYPE a gauge\na 1\n"),
        ("text after EOF", "# TYPE a gauge\na 1\n# EOF\na 2\n"),
        ("carriage return", "# TYPE a gauge\r\na 1\n# EOF\n"),
        ("unit not the suffix", "# TYPE a_seconds gauge\n# UNIT a_seconds bytes\na_seconds 1\n# EOF\n"),
        ("UNIT before TYPE", "# UNIT a_seconds seconds\n# TYPE a_seconds gauge\na_seconds 1\n# EOF\n"),
        ("metadata twice", "# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n"),
        ("metadata after samples", "# TYPE a gauge\na 1\n# HELP a late\n# EOF\n"),
        ("interleaved families", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n# EOF\n"),
        ("raw quote in a label", "# TYPE a gauge\na{x=\"say \"hi\"\"} 1\n# EOF\n"),
        ("undefined escape", "# TYPE a gauge\na{x=\"C:\\tmp\"} 1\n# EOF\n"),
        ("repeated label set", "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n"),
        ("repeated label name", "# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n# EOF\n"),
        ("reserved label name", "# TYPE a gauge\na{_x=\"1\"} 1\n# EOF\n"),
        ("comma decimal", "# TYPE a gauge\na 1,5\n# EOF\n"),
        ("comment line", "# TYPE a gauge\n# just a note\na 1\n# EOF\n"),
        ("unquoted label value", "# TYPE a gauge\na{x=1} 1\n# EOF\n"),
        ("trailing comma in labels", "# TYPE a gauge\na{x=\"1\",} 1\n# EOF\n"),
        ("suffix clash", "# TYPE a counter\na_total 1\n# TYPE a_total gauge\na_total 1\n# EOF\n"),
        ("unknown type", "# TYPE a meter\na 1\n# EOF\n"),
        ("empty line", "# TYPE a gauge\n\na 1\n# EOF\n"),
    ]

    @Test("the validator refuses what the spec forbids", arguments: brokenExpositions)
    func validatorRefuses(name: String, text: String) {
        #expect(throws: OpenMetricsValidator.Violation.self, "\(name)") { try OpenMetricsValidator.parse(text) }
    }

    @Test("the validator accepts the spec's own examples")
    func validatorAccepts() throws {
        let example = """
            # TYPE acme_http_router_request_seconds summary
            # UNIT acme_http_router_request_seconds seconds
            # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
            acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
            acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
            acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
            # TYPE go_goroutines gauge
            # HELP go_goroutines Number of goroutines that currently exist.
            go_goroutines 69
            # TYPE process_cpu_seconds counter
            # UNIT process_cpu_seconds seconds
            # HELP process_cpu_seconds Total user and system CPU time spent in seconds.
            process_cpu_seconds_total 4.20072246e+06
            # TYPE foo_seconds counter
            # UNIT foo_seconds seconds
            # HELP foo_seconds Some text and \\n some \\" escaping
            foo_seconds_total{a="x",b="escaping\\" example \\n "} 0 1520879607.789
            # EOF

            """
        let families = try OpenMetricsValidator.parse(example)
        #expect(
            families.map(\.name) == [
                "acme_http_router_request_seconds", "go_goroutines", "process_cpu_seconds", "foo_seconds",
            ])
        #expect(families.last?.samples.first?.labels["b"] == "escaping\" example \n ")
        #expect(families.last?.help == "Some text and \n some \" escaping")
    }

    /// Whether Debian's prometheus_client answers to /usr/bin/python3 (CI must have it: `make test-packages`).
    static let prometheusClientInstalled: Bool = {
        (try? PythonCheck.run(["-c", "import prometheus_client"]))?.status == 0
    }()

    @Test(
        "prometheus_client's OpenMetrics and 0.0.4 parsers read every sample and the escaped label",
        .enabled(
            if: ProcessInfo.processInfo.environment["CI"] == "true"
                || ReportOpenMetricsTests.prometheusClientInstalled))
    func prometheusClient() throws {
        var input = ReportFixture.input
        let label = "pr \"7\" C:\\tmp\nnext"
        input.record.label = label
        let text = OpenMetricsReport(input).render()
        let ours = try OpenMetricsValidator.parse(text).flatMap(\.samples).count
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-\(UUID()).prom")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families as strict
            from prometheus_client.parser import text_string_to_metric_families as classic
            text = open(sys.argv[1], encoding="utf-8").read()
            om = [s for f in strict(text) for s in f.samples]
            old = [s for f in classic(text) for s in f.samples]
            print(json.dumps({"om": len(om), "classic": len(old), "label": om[0].labels.get("label"),
                              "units": sorted({f.unit for f in strict(text) if f.unit})}))
            """
        let result = try PythonCheck.run(["-c", script, file.path])
        let refusal = "prometheus_client refused the exposition: \(result.error)"
        try #require(result.status == 0, Comment(rawValue: refusal))
        let answer = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(answer["om"] as? Int == ours)
        #expect(answer["classic"] as? Int == ours)
        #expect(answer["label"] as? String == label)
        #expect(answer["units"] as? [String] == ["bytes", "ratio", "seconds"])
    }
}
