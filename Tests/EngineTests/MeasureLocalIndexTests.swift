import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Testing

/// `--index local`: the fixture's locked wheels are downloaded once and served on 127.0.0.1, and both drivers'
/// real builds (`uv sync --locked`, `pip install --require-hashes`) fetch them from there, not from PyPI.
@Suite("Measure: local package index (real engine)", .serialized)
struct MeasureLocalIndexTests {
    @Test("Both drivers install the locked wheels from the local index")
    func bothDriversUseTheLocalIndex() async throws {
        let engine = try await ProofFixture.engine()
        let suite = try SuiteLoader.load(path: Binary.packageRoot.appendingPathComponent("benchmarks/suite.yaml").path)
        let service = try #require(suite.service(named: "fixture"))
        let client = try await BuildKitClient.discover(endpoint: engine.endpoint)
        let work = try TemporaryDirectory()
        defer { work.remove() }
        let cache = URL(fileURLWithPath: work.path).appendingPathComponent("wheels")
        let base = try #require(suite.baseImages["python:3.12-slim-bookworm"])
        try await WheelPrefetcher(
            client: client, engine: engine, baseImage: base, logger: Logger(label: "proof")
        ).fetch(
            requirements: [URL(fileURLWithPath: service.context).appendingPathComponent("requirements.txt")],
            into: cache)
        let wheels = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(wheels.contains { $0.hasPrefix("humanize-") && $0.hasSuffix(".whl") }, "\(wheels)")

        let index = try LocalPackageIndex(directory: cache)
        defer { index.stop() }
        let builder = BuildKitImageBuilder(client: client, engine: engine, logger: Logger(label: "proof"))
        let settings = BuildSettings(
            baseImageMap: suite.baseImages, workDirectory: URL(fileURLWithPath: work.path), localIndex: index.baseURL)
        for driver in service.drivers {
            let before = index.served.values.reduce(0, +)
            let build = try await builder.build(
                BuildRequest(
                    service: service, driver: driver, scenario: .warm,
                    tag: "containerbench-proof/fixture:\(driver.name)-local", runID: "proof", settings: settings))
            #expect(build.succeeded, "\(driver.name): \(build.logTail ?? "")")
            let served = index.served.values.reduce(0, +) - before
            // The lock mirror names this run's port, so the install step cannot come from an earlier build's cache.
            #expect(build.steps.first { $0.isDependencyInstall }?.cached == false)
            #expect(served >= 1, "\(driver.name) fetched nothing from the local index: \(index.served)")
            try? await engine.removeImage("containerbench-proof/fixture:\(driver.name)-local")
        }
        #expect(index.served.keys.allSatisfy { wheels.contains($0) })
    }

    @Test("Lock files are mirrored: same hashes, local hosts, local default index")
    func contextRewrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fixture = Binary.packageRoot.appendingPathComponent("benchmarks/fixture")
        for name in ["uv.lock", "pyproject.toml", "requirements.txt"] {
            try FileManager.default.copyItem(
                at: fixture.appendingPathComponent(name), to: URL(fileURLWithPath: directory.path + "/" + name))
        }
        let original = try String(contentsOf: fixture.appendingPathComponent("uv.lock"), encoding: .utf8)
        let files = try LocalIndexContext.rewrite(
            context: URL(fileURLWithPath: directory.path), baseURL: "http://127.0.0.1:18399")
        #expect(files == ["uv.lock", "pyproject.toml", "requirements.txt"])
        let lock = try String(contentsOfFile: directory.path + "/uv.lock", encoding: .utf8)
        #expect(!lock.contains("pypi.org") && !lock.contains("files.pythonhosted.org"))
        let hashes = { (text: String) in text.split(separator: "\"").filter { $0.hasPrefix("sha256:") } }
        #expect(hashes(lock) == hashes(original) && !hashes(original).isEmpty)
        let requirements = try String(contentsOfFile: directory.path + "/requirements.txt", encoding: .utf8)
        #expect(requirements.hasPrefix("--index-url http://127.0.0.1:18399/simple\n"))
        let pyproject = try String(contentsOfFile: directory.path + "/pyproject.toml", encoding: .utf8)
        #expect(pyproject.contains("url = \"http://127.0.0.1:18399/simple\"\ndefault = true"))
    }
}
