import ContainerBench
import Foundation
import Testing

@Suite("HTML report")
struct ReportHTMLTests {
    @Test("is one self-contained file: no script, no external resource, plots inlined")
    func selfContained() throws {
        let html = HTMLReport(ReportFixture.input).render()
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(!html.contains("<link"))
        #expect(html.contains("src=\"data:image/svg+xml;base64,"))
        #expect(html.contains("src=\"data:image/png;base64,iVBORw==\""))
        for section in ["environment", "budgets", "drivers", "trends", "regressions", "startup", "builds", "failures"] {
            #expect(html.contains("<section id=\"\(section)\">"), "missing section \(section)")
        }
    }

    @Test("parses as XML (every tag closed, text escaped)")
    func wellFormed() throws {
        let html = HTMLReport(ReportFixture.input).render()
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
            .replacingOccurrences(of: "<meta charset=\"utf-8\">", with: "<meta charset=\"utf-8\"/>")
            .replacingOccurrences(
                of: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                with: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        let fixedImages = body.replacingOccurrences(
            of: "(<img [^>]*)>", with: "$1/>", options: .regularExpression)
        let tally = XMLTally()
        #expect(tally.parse(Data(fixedImages.utf8)), "\(String(describing: tally.parseError))")
        #expect(
            tally.text.contains("fairness: fastapi's uv and pip Dockerfiles use different base images <slim> & <full>"))
        #expect(tally.counts["figure"] == 3)
    }
}
