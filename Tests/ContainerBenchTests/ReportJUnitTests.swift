import ContainerBench
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses XML with Foundation's `XMLParser` and counts elements, keeps attributes and text.
final class XMLTally: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var attributes: [(element: String, attributes: [String: String])] = []
    var text = ""
    var parseError: Error?

    /// Parses `data`; returns false (and keeps the error) when it is not well-formed XML.
    func parse(_ data: Data) -> Bool {
        let parser = XMLParser(data: data)
        parser.delegate = self
        let ok = parser.parse()
        if !ok { parseError = parser.parserError }
        return ok
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        counts[elementName, default: 0] += 1
        attributes.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func values(of attribute: String, in element: String) -> [String] {
        attributes.filter { $0.element == element }.compactMap { $0.attributes[attribute] }
    }
}

@Suite("JUnit report")
struct ReportJUnitTests {
    func parsed() throws -> XMLTally {
        let xml = JUnitReport(ReportFixture.input).render()
        let tally = XMLTally()
        #expect(tally.parse(Data(xml.utf8)), "not well-formed: \(String(describing: tally.parseError))")
        return tally
    }

    @Test("one testsuite per service × driver plus ratios and run, with the expected case counts")
    func counts() throws {
        let tally = try parsed()
        // fastapi/uv, fastapi/pip, analytics/uv, analytics/pip, ratios, run.
        #expect(tally.counts["testsuites"] == 1)
        #expect(tally.counts["testsuite"] == 6)
        #expect(
            tally.values(of: "name", in: "testsuite")
                == ["fastapi/uv", "fastapi/pip", "analytics/uv", "analytics/pip", "ratios", "run"])
        // 9 budgets + 15 regression gates + 2 policy + 3 ratios + run status + 1 failed build + 1 failed trial.
        #expect(tally.counts["testcase"] == 32)
        // image-size and memory-small of fastapi/pip, the uv-install ratio, the 3 unacknowledged regressions (memory
        // peak, working set, image bytes), the healthcheck policy.
        #expect(tally.counts["failure"] == 7)
        // 2 inconclusive budgets, the missing one, the inconclusive regression, 2 ratios (inconclusive, missing).
        #expect(tally.counts["skipped"] == 6)
        // the failed build and the failed trial (the run itself completed).
        #expect(tally.counts["error"] == 2)
        let root = tally.attributes.first { $0.element == "testsuites" }?.attributes ?? [:]
        #expect(root["tests"] == "32")
        #expect(root["failures"] == "7")
        #expect(root["skipped"] == "6")
        #expect(root["errors"] == "2")
    }

    @Test("messages and bodies survive XML escaping unchanged")
    func escaping() throws {
        let tally = try parsed()
        let messages = tally.values(of: "message", in: "error")
        #expect(messages.contains("not ready after 60 s; last log: uvicorn <error> & \"boom\""))
        #expect(tally.text.contains("#9 ERROR: pip install | numpy<2 & \"scipy\"\n```\nerror: <resolution-impossible>"))
        let failures = tally.values(of: "message", in: "failure")
        #expect(failures.contains { $0.contains("fastapi/pip image_bytes 453.6 MB is not below the limit 450.0 MB") })
    }

    @Test("budget messages carry the rule, its confidence and the judge's sentence; none says 95% CI")
    func budgetMessages() throws {
        let tally = try parsed()
        let failures = tally.values(of: "message", in: "failure")
        #expect(
            failures.contains(
                "fastapi/pip max memory_peak_bytes 213.0 MB is not below the limit 200.0 MB (decided by observed "
                    + "breach, confidence observed): 4 of 4 trials at or above the limit 2e+08 (largest 2.13e+08): "
                    + "observed, not estimated"))
        let skipped = tally.values(of: "message", in: "skipped")
        #expect(
            skipped.contains(
                "inconclusive: fastapi/uv p95 startup_seconds 1.42 s against the limit 1.50 s (decided by log-normal "
                    + "tolerance bound, confidence 50.6% pass): 0 of 5 trials at or above the limit 1.5: pass shown at "
                    + "50.6%, fail at 0.0%; neither reaches 95.0% (needs 59 trials for a distribution-free pass); "
                    + "assumes independent trials from a log-normal distribution (normal log values); 59 trials would "
                    + "decide"))
        #expect(
            skipped.contains {
                $0.hasPrefix("inconclusive: analytics/uv startup_seconds (too few samples, could have seen ≥ +11%)")
            })
        let xml = JUnitReport(ReportFixture.input).render()
        #expect(!xml.contains("95% CI"))
        #expect(!xml.contains("adjusted p"))
    }

    @Test("a failed run is an error test case")
    func failedRun() throws {
        var input = ReportFixture.input
        input.record.status = .failed
        let tally = XMLTally()
        #expect(tally.parse(Data(JUnitReport(input).render().utf8)))
        #expect(tally.counts["error"] == 3)
        #expect(tally.values(of: "message", in: "error").contains("run \(ReportFixture.runID) failed"))
    }
}
