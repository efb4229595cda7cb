import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The benchmark services under `benchmarks/`, built with uv and with pip against a real dockerd: each image starts
/// and answers its health path, and the two images of a service are fair to compare (same distributions at the same
/// versions, compiled bytecode, the same non-root uid, a HEALTHCHECK).
///
/// This drives `/usr/bin/docker` directly (the harness's own builder is tested elsewhere). It fails, never skips,
/// when no engine answers: CI runs it on purpose.
@Suite("Benchmarks fairness (real engine)", .serialized)
struct BenchmarksFairnessTests {
    /// In suite.yaml order: the fast fixture first, so an engine or base-image problem shows up in seconds.
    static let services: [BenchmarkService] = [
        BenchmarkService(name: "fixture", port: 8080, healthPath: "/health", uid: 10000, readyTimeout: 30),
        BenchmarkService(name: "fastapi", port: 8000, healthPath: "/health", uid: 10001, readyTimeout: 60),
        BenchmarkService(name: "streamlit", port: 8501, healthPath: "/_stcore/health", uid: 10002, readyTimeout: 90),
        BenchmarkService(name: "analytics", port: 8002, healthPath: "/health", uid: 10003, readyTimeout: 90),
    ]
    static let drivers = ["uv", "pip"]

    @Test("A container engine answers")
    func engineAnswers() async throws {
        let result = try await DockerCLI.run(["version", "--format", "{{.Server.Version}}"], timeout: .seconds(30))
        #expect(
            result.status == 0,
            "no container engine answers through \(DockerCLI.path): \(result.stderr). Start dockerd (make engine)."
        )
    }

    @Test("Each driver's image builds, answers its health path, and matches the other driver's", arguments: services)
    func buildsAndIsFair(service: BenchmarkService) async throws {
        let started = ContinuousClock.now
        var inventories: [String: ImageInventory] = [:]
        for driver in Self.drivers {
            let image = try await DockerCLI.build(service: service, driver: driver)
            try await Self.expectStartsAndAnswers(service: service, driver: driver, image: image)
            let inventory = try await DockerCLI.inventory(of: image)
            try await Self.expectDeclaredShape(service: service, driver: driver, image: image, inventory: inventory)
            inventories[driver] = inventory
            print(
                """
                fairness: \(service.name)/\(driver) \(inventory.distributions.count) distributions, \
                \(inventory.compiledFiles)/\(inventory.sourceFiles) .py with fresh .pyc, uid \(inventory.uid)
                """
            )
        }
        guard let uv = inventories["uv"], let pip = inventories["pip"] else {
            Issue.record("\(service.name): an image is missing, see the failures above")
            return
        }
        #expect(!uv.distributions.isEmpty, "\(service.name): the uv image has no third-party distribution")
        #expect(
            uv.versions == pip.versions,
            """
            \(service.name): uv and pip images differ in distributions; only in uv: \
            \(uv.versions.subtracting(pip.versions).sorted()), only in pip: \
            \(pip.versions.subtracting(uv.versions).sorted()). Rerun benchmarks/lock.sh.
            """
        )
        #expect(uv.prefix == pip.prefix, "\(service.name): venv at \(uv.prefix) (uv) vs \(pip.prefix) (pip)")
        #expect(uv.python == pip.python, "\(service.name): Python \(uv.python) (uv) vs \(pip.python) (pip)")
        print("fairness: \(service.name) done in \(started.duration(to: .now).formatted(.units(allowed: [.seconds])))")
    }

    /// Runs the image (network host, its own user), polls the health path every 50 ms up to the ready timeout, and
    /// removes the container whatever happens.
    static func expectStartsAndAnswers(service: BenchmarkService, driver: String, image: String) async throws {
        try #require(
            await HealthPoller.status(port: service.port, path: service.healthPath) == nil,
            "\(service.name)/\(driver): something already answers on 127.0.0.1:\(service.port); stop it first"
        )
        let name = "cbtest-\(service.name)-\(driver)-\(ProcessInfo.processInfo.processIdentifier)"
        let run = try await DockerCLI.run(
            ["run", "--detach", "--network", "host", "--label", "containerbench.test=1", "--name", name, image],
            timeout: .seconds(60)
        )
        do {
            try #require(run.status == 0, "\(service.name)/\(driver): docker run failed: \(run.stderr)")
            let started = ContinuousClock.now
            let ready = await HealthPoller.waitForStatus(
                200, port: service.port, path: service.healthPath, timeout: .seconds(service.readyTimeout))
            let elapsed = started.duration(to: .now)
            if !ready {
                let logs = try await DockerCLI.run(["logs", "--tail", "40", name], timeout: .seconds(30))
                Issue.record(
                    """
                    \(service.name)/\(driver): no 200 on \(service.healthPath) within \(service.readyTimeout) s; \
                    container log tail:
                    \(logs.stdout)\(logs.stderr)
                    """
                )
            } else {
                print("fairness: \(service.name)/\(driver) first 200 after \(elapsed) (from run returning)")
            }
            let whoami = try await DockerCLI.run(["exec", name, "id", "-u"], timeout: .seconds(30))
            #expect(
                whoami.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(service.uid),
                "\(service.name)/\(driver): the service runs as uid \(whoami.stdout) \(whoami.stderr)"
            )
        } catch {
            _ = try? await DockerCLI.run(["rm", "--force", name], timeout: .seconds(60))
            throw error
        }
        let removed = try await DockerCLI.run(["rm", "--force", name], timeout: .seconds(60))
        #expect(removed.status == 0, "could not remove container \(name): \(removed.stderr)")
    }

    /// What the image declares (user, health check) and what its venv holds (bytecode).
    static func expectDeclaredShape(
        service: BenchmarkService, driver: String, image: String, inventory: ImageInventory
    ) async throws {
        let label = "\(service.name)/\(driver)"
        let config = try await DockerCLI.imageConfig(image)
        let declaredUID = config.user.split(separator: ":").first.map(String.init)
        #expect(declaredUID == String(service.uid), "\(label): USER is \"\(config.user)\", want \(service.uid)")
        #expect(inventory.uid == service.uid, "\(label): a process in the image runs as uid \(inventory.uid)")
        #expect(
            config.healthcheck.first.map { $0 != "NONE" } ?? false,
            "\(label): the image declares no HEALTHCHECK (\(config.healthcheck))"
        )
        #expect(inventory.sourceFiles > 0, "\(label): no .py files found in the installed distributions")
        let stale = inventory.sourceFiles - inventory.compiledFiles
        // A handful of files may not compile for this Python (templates, py2 leftovers) with either installer.
        #expect(
            Double(stale) <= Double(inventory.sourceFiles) * 0.01,
            "\(label): \(stale) of \(inventory.sourceFiles) installed .py files lack an up-to-date .pyc"
        )
    }
}

/// One service under `benchmarks/` and what the tests expect of it.
struct BenchmarkService: Sendable, CustomTestStringConvertible {
    var name: String
    var port: Int
    var healthPath: String
    var uid: Int
    var readyTimeout: Int

    var testDescription: String { name }
}

/// What a process inside an image reports about its Python environment.
struct ImageInventory: Sendable, Decodable {
    /// One installed distribution.
    struct Distribution: Sendable, Decodable {
        var version: String
        var sourceFiles: Int
        var compiledFiles: Int
    }

    var uid: Int
    var python: String
    var prefix: String
    var distributions: [String: Distribution]

    /// `name==version` for every distribution, for set comparison.
    var versions: Set<String> { Set(distributions.map { "\($0.key)==\($0.value.version)" }) }
    var sourceFiles: Int { distributions.values.reduce(0) { $0 + $1.sourceFiles } }
    var compiledFiles: Int { distributions.values.reduce(0) { $0 + $1.compiledFiles } }

    /// Runs inside the image as its own user: installed distributions (not the installers themselves) and, per
    /// distribution, how many of its .py files have a .pyc that the interpreter would accept without recompiling.
    static let script = """
        import importlib.metadata, importlib.util, json, os, pathlib, re, sys
        IGNORED = {"pip", "setuptools", "uv", "wheel"}
        MAGIC = importlib.util.MAGIC_NUMBER
        def fresh(source):
            cached = pathlib.Path(importlib.util.cache_from_source(str(source)))
            try:
                header = cached.read_bytes()[:16]
            except OSError:
                return False
            if len(header) < 16 or header[:4] != MAGIC:
                return False
            flags = int.from_bytes(header[4:8], "little")
            if flags & 1:
                return header[8:16] == importlib.util.source_hash(source.read_bytes())
            stat = source.stat()
            return (int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
                    and int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF)
        found = {}
        for dist in importlib.metadata.distributions():
            name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
            if name in IGNORED:
                continue
            sources = [pathlib.Path(dist.locate_file(f)) for f in (dist.files or []) if str(f).endswith(".py")]
            sources = [s for s in sources if s.is_file()]
            found[name] = {"version": dist.version, "sourceFiles": len(sources),
                           "compiledFiles": sum(1 for s in sources if fresh(s))}
        print(json.dumps({"uid": os.getuid(), "python": sys.version.split()[0], "prefix": sys.prefix,
                          "distributions": found}))
        """
}

/// The parts of `docker image inspect` the tests check.
struct ImageConfig: Sendable {
    var user: String
    var healthcheck: [String]
}

/// What a finished command printed.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Failures of the test's own plumbing (not of the images under test).
enum FairnessTestError: Error, Sendable, CustomStringConvertible {
    case launchFailed(command: [String], reason: String)
    case timedOut(command: [String], after: Duration)
    case commandFailed(command: [String], status: Int32, stderr: String)
    case unreadableOutput(command: [String], output: String)

    var description: String {
        switch self {
        case .launchFailed(let command, let reason):
            return "could not start \(command.joined(separator: " ")): \(reason). Is \(DockerCLI.path) installed?"
        case .timedOut(let command, let after):
            return "\(command.joined(separator: " ")) did not finish within \(after); it was terminated"
        case .commandFailed(let command, let status, let stderr):
            let tail = stderr.split(separator: "\n").suffix(30).joined(separator: "\n")
            return "\(command.joined(separator: " ")) exited with \(status):\n\(tail)"
        case .unreadableOutput(let command, let output):
            return "\(command.joined(separator: " ")) printed something unexpected: \(output.prefix(500))"
        }
    }
}

/// The BuildKit-capable Docker client, run through `Process` with argument arrays (never a shell).
enum DockerCLI {
    /// The Debian client has BuildKit built in; the first `docker` on PATH may lack buildx.
    static let path = ProcessInfo.processInfo.environment["CONTAINERBENCH_TEST_DOCKER"] ?? "/usr/bin/docker"
    /// The public base images the Dockerfiles name, mapped to the local stand-ins (see benchmarks/suite.yaml).
    static let buildArgs = [
        "PYTHON_IMAGE=containerbench/python:3.11-bookworm",
        "UV_IMAGE=containerbench/uv:0.13.9",
    ]

    static var benchmarksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("benchmarks")
    }

    /// Builds `benchmarks/<service>/Dockerfile.<driver>` and returns the image tag.
    /// - Throws: `FairnessTestError` when the build fails or takes more than 30 minutes.
    static func build(service: BenchmarkService, driver: String) async throws -> String {
        let context = benchmarksDirectory.appendingPathComponent(service.name)
        let tag = "containerbench-test/\(service.name)-\(driver)"
        var arguments = ["build", "--network", "host", "--label", "containerbench.test=1", "--progress", "plain"]
        for argument in buildArgs { arguments += ["--build-arg", argument] }
        arguments += ["-f", context.appendingPathComponent("Dockerfile.\(driver)").path, "-t", tag, context.path]
        let started = ContinuousClock.now
        let result = try await run(arguments, timeout: .seconds(30 * 60))
        guard result.status == 0 else {
            throw FairnessTestError.commandFailed(command: arguments, status: result.status, stderr: result.stderr)
        }
        print("fairness: \(service.name)/\(driver) built in \(started.duration(to: .now))")
        return tag
    }

    /// Runs `ImageInventory.script` in a throwaway container of `image` (its own user, no network).
    static func inventory(of image: String) async throws -> ImageInventory {
        let arguments = [
            "run", "--rm", "--network", "none", "--label", "containerbench.test=1", "--entrypoint", "python3", image,
            "-c", ImageInventory.script,
        ]
        let result = try await run(arguments, timeout: .seconds(120))
        guard result.status == 0 else {
            throw FairnessTestError.commandFailed(command: arguments, status: result.status, stderr: result.stderr)
        }
        do {
            return try JSONDecoder().decode(ImageInventory.self, from: Data(result.stdout.utf8))
        } catch {
            throw FairnessTestError.unreadableOutput(command: arguments, output: result.stdout + result.stderr)
        }
    }

    /// `Config.User` and `Config.Healthcheck.Test` of `image`.
    static func imageConfig(_ image: String) async throws -> ImageConfig {
        let arguments = ["image", "inspect", "--format", "{{json .Config}}", image]
        let result = try await run(arguments, timeout: .seconds(60))
        guard result.status == 0 else {
            throw FairnessTestError.commandFailed(command: arguments, status: result.status, stderr: result.stderr)
        }
        struct Config: Decodable {
            struct Healthcheck: Decodable {
                var test: [String]?
                enum CodingKeys: String, CodingKey { case test = "Test" }
            }
            var user: String?
            var healthcheck: Healthcheck?
            enum CodingKeys: String, CodingKey {
                case user = "User"
                case healthcheck = "Healthcheck"
            }
        }
        guard let config = try? JSONDecoder().decode(Config.self, from: Data(result.stdout.utf8)) else {
            throw FairnessTestError.unreadableOutput(command: arguments, output: result.stdout)
        }
        return ImageConfig(user: config.user ?? "", healthcheck: config.healthcheck?.test ?? [])
    }

    /// Runs the client with `arguments` (DOCKER_BUILDKIT=1) and collects its output; terminates it after `timeout`.
    /// A non-zero exit is a normal result, not an error.
    /// - Throws: `FairnessTestError.launchFailed` or `.timedOut`.
    static func run(_ arguments: [String], timeout: Duration) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_BUILDKIT"] = "1"
        process.environment = environment
        // Files, not pipes: a build log can exceed a pipe buffer and nobody would be reading it.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cbtest-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice

        let finished = ProcessExit()
        process.terminationHandler = { ended in finished.signal(ended.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw FairnessTestError.launchFailed(command: [path] + arguments, reason: "\(error)")
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while finished.status == nil {
            if ContinuousClock.now >= deadline {
                process.terminate()
                process.waitUntilExit()
                throw FairnessTestError.timedOut(command: [path] + arguments, after: timeout)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return CommandResult(status: finished.status ?? -1, stdout: stdout, stderr: stderr)
    }
}

/// The exit status a `Process` termination handler reports, read by the task waiting for it.
final class ProcessExit: Sendable {
    private let value = Mutex<Int32?>(nil)

    var status: Int32? { value.withLock { $0 } }

    func signal(_ status: Int32) { value.withLock { $0 = status } }
}

/// HTTP GETs against 127.0.0.1, bounded in time.
enum HealthPoller {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 1
        configuration.timeoutIntervalForResource = 2
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()

    /// The status of one GET, or nil when nothing answers.
    static func status(port: Int, path: String) async -> Int? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
        var request = URLRequest(url: url)
        request.cachePolicy = .reloadIgnoringLocalCacheData
        guard let (_, response) = try? await session.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    /// Polls every 50 ms until a GET answers `expected` (true) or `timeout` has passed (false).
    static func waitForStatus(_ expected: Int, port: Int, path: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if await status(port: port, path: path) == expected { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
