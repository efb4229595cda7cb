import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// A workspace for one fault test: copies of the fixture on ports of this test's range (18200-18299), suites,
/// a private history and results folder, and the binary run with a private host lock.
struct FaultFixture {
    /// Labels and names of everything these tests create start with this.
    static let prefix = "hostile"

    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("containerbench-hostile")
    }

    var history: String { directory.path + "/history.sqlite" }
    /// The host lock this workspace's runs take: never the shared default (other engineers' runs), and one per
    /// workspace because the fault suites run in parallel with each other.
    var lock: String { directory.path + "/hostile.lock" }
    var results: String { directory.path + "/runs" }
    var suitePath: String { directory.path + "/suite.yaml" }

    /// Copies benchmarks/fixture into `name`, moving its port (app and HEALTHCHECK) from 8080 to `port`.
    /// - Returns: the copy's path.
    @discardableResult
    func fixtureContext(_ name: String, port: Int) throws -> String {
        let source = Binary.packageRoot.appendingPathComponent("benchmarks/fixture")
        let target = directory.url.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: target)
        for file in ["app.py", "Dockerfile.pip", "Dockerfile.uv"] {
            let url = target.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.replacingOccurrences(of: "8080", with: String(port)).write(
                to: url, atomically: true, encoding: .utf8)
        }
        return target.path
    }

    /// A context `name` with one Dockerfile (the pip driver's) holding `dockerfile`.
    @discardableResult
    func dockerfileContext(_ name: String, _ dockerfile: String) throws -> String {
        try directory.write("\(name)/Dockerfile.pip", dockerfile)
        return directory.path + "/" + name
    }

    /// One service entry of a suite.
    static func service(
        _ name: String, context: String, port: Int, drivers: [String] = ["pip"], trials: Int = 2,
        readyTimeout: Double = 20, memoryWindow: Double = 0, environment: [String: String] = [:]
    ) -> String {
        let driverLines = drivers.map { "      \($0): {dockerfile: Dockerfile.\($0)}" }.joined(separator: "\n")
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
        return """
              - name: \(name)
                context: \(context)
                port: \(port)
                health: {path: /health, status: 200}
                drivers:
            \(driverLines)
                trials: \(trials)
                ready_timeout: \(readyTimeout)
                memory_window: \(memoryWindow)
                environment: {\(env)}

            """
    }

    /// Writes the suite (the machine's base-image map plus `services`) and returns its path.
    @discardableResult
    func writeSuite(_ services: [String]) throws -> String {
        let text = """
            version: 1
            base_images:
              python:3.12-slim-bookworm: containerbench/python:3.11-bookworm
              ghcr.io/astral-sh/uv:0.13.9: containerbench/uv:0.13.9
            services:

            """ + services.joined()
        return try directory.write("suite.yaml", text)
    }

    /// The `run` arguments every fault run uses: private suite, history and results; no targets, floor or baseline.
    func runArguments(_ extra: [String] = []) -> [String] {
        [
            "run", "--suite", suitePath, "--targets", "none", "--history", history, "--results-dir", results,
            "--no-floor", "--baseline", "none", "--quiet",
        ] + extra
    }

    /// Runs `containerbench run` to completion with the workspace's lock.
    func run(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await Binary.run(
            runArguments(extra), environment: environment.merging(["CONTAINERBENCH_LOCK": lock]) { a, _ in a })
    }

    /// Starts the binary in the background (for signals and concurrency); output goes to files in the workspace.
    func start(_ arguments: [String], environment: [String: String] = [:], name: String = "run") throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.currentDirectoryURL = Binary.packageRoot
        var merged = ProcessInfo.processInfo.environment
        merged["CONTAINERBENCH_LOCK"] = lock
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = directory.url.appendingPathComponent("\(name).stdout")
        let err = directory.url.appendingPathComponent("\(name).stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return process
    }

    /// What a background process wrote to stdout and stderr.
    func output(of name: String = "run") -> (output: String, error: String) {
        let read = { (suffix: String) in
            (try? String(contentsOfFile: directory.path + "/\(name).\(suffix)", encoding: .utf8)) ?? ""
        }
        return (read("stdout"), read("stderr"))
    }

    /// Waits (polling, bounded) until `process` exits; returns its exit status or nil on timeout.
    static func wait(for process: Process, seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Polls `condition` every 50 ms for up to `seconds`; returns whether it became true.
    static func eventually(seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Every run stored in the history (none when the file does not exist).
    func storedRuns() throws -> [RunRecord] {
        guard FileManager.default.fileExists(atPath: history) else { return [] }
        let store = try SQLiteHistoryStore(path: history)
        return try store.runs(filter: RunFilter()).compactMap { try store.run(id: $0.id) }
    }

    /// Containers (any state) carrying `label` on the engine at `socket` (the shared one by default).
    static func containers(label: String, socket: String = "/var/run/docker.sock") async throws -> [String] {
        try await DockerEngine(socketPath: socket).containers(withLabel: label)
    }

    /// Removes the images the suite's services got (every `containerbench/NAME:…` tag, and the kept images of its
    /// runs) from the shared engine.
    static func removeImages(services: [String]) async {
        guard let engine = try? DockerEngine(socketPath: "/var/run/docker.sock") else { return }
        for service in services {
            for repository in [ImageTag.repository(service: service), KeptImages.repository(service: service)] {
                for tag in (try? await engine.imageTags(repository: repository)) ?? [] {
                    try? await engine.removeImage(tag)
                }
            }
        }
    }

    func remove() { directory.remove() }
}

/// The workspace helper itself: the fixture copy must really listen on the port it was given.
@Suite("Fault fixture")
struct FaultFixtureTests {
    @Test func fixtureCopyMovesThePort() throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let context = try fixture.fixtureContext("copy", port: 18299)
        let app = try String(contentsOfFile: context + "/app.py", encoding: .utf8)
        let dockerfile = try String(contentsOfFile: context + "/Dockerfile.pip", encoding: .utf8)
        #expect(app.contains("PORT = 18299") && !app.contains("8080"))
        #expect(dockerfile.contains("127.0.0.1:18299/health") && !dockerfile.contains("8080"))
    }
}
