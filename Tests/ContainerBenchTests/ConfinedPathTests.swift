import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Logging
import Testing

@testable import ContainerBenchBuild

/// Suites confined (docs/security.md): the scenario files a suite names stay inside the build context, by path and
/// with every symlink resolved, when the suite is read and again in the context copy the build writes to.
@Suite("Confined suite paths")
struct ConfinedPathTests {
    /// A context `svc` with an app file, a secret file outside it, and symlinks leading in and out.
    func fixture() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("svc/Dockerfile", "FROM scratch\n")
        try directory.write("svc/app.py", "print('hi')\n")
        try directory.write("svc/sub/requirements.txt", "fastapi\n")
        try directory.write("host-file.txt", "precious\n")
        let files = FileManager.default
        try files.createSymbolicLink(atPath: directory.path + "/svc/out-link", withDestinationPath: "../host-file.txt")
        try files.createSymbolicLink(
            atPath: directory.path + "/svc/abs-link", withDestinationPath: directory.path + "/host-file.txt")
        try files.createSymbolicLink(atPath: directory.path + "/svc/dir-link", withDestinationPath: "..")
        try files.createSymbolicLink(
            atPath: directory.path + "/svc/dangling", withDestinationPath: directory.path + "/not-yet/authorized_keys")
        try files.createSymbolicLink(
            atPath: directory.path + "/svc/in-link", withDestinationPath: "sub/requirements.txt")
        return directory
    }

    @Test("paths inside the context resolve; '..', absolute paths and symlinks out are refused, saying why")
    func resolution() throws {
        let directory = try fixture()
        defer { directory.remove() }
        let root = directory.path + "/svc"
        let real = try #require(ConfinedPath.realPath(root))
        #expect(try ConfinedPath.resolve("app.py", inside: root) == real + "/app.py")
        #expect(try ConfinedPath.resolve("./sub/../app.py", inside: root) == real + "/app.py")
        #expect(try ConfinedPath.resolve("in-link", inside: root) == real + "/sub/requirements.txt")
        #expect(try ConfinedPath.resolve("sub/new.txt", inside: root, mustExist: false) == real + "/sub/new.txt")
        let refusals: [(String, Bool, String)] = [
            ("../host-file.txt", true, "leaves the folder through '..'"),
            ("sub/../../host-file.txt", true, "leaves the folder through '..'"),
            (directory.path + "/host-file.txt", true, "is absolute"),
            ("out-link", true, "leads out of the folder through a symlink"),
            ("abs-link", true, "leads out of the folder through a symlink"),
            ("dir-link/host-file.txt", true, "leads out of the folder through a symlink"),
            ("dir-link/new.txt", false, "leads out of the folder through a symlink"),
            ("dangling", false, "is a symlink that leads to no file"),
            ("missing.txt", true, "does not exist"),
            ("", true, "is empty"),
        ]
        for (path, mustExist, reason) in refusals {
            #expect(throws: ConfinedPath.Escape.self, "\(path)") {
                try ConfinedPath.resolve(path, inside: root, mustExist: mustExist)
            }
            do {
                _ = try ConfinedPath.resolve(path, inside: root, mustExist: mustExist)
            } catch {
                #expect(error.description.contains(reason), "\(path): \(error)")
                #expect(error.description.contains("inside \(root)"), "\(error)")
            }
        }
    }

    /// A suite naming `scenarios` under service `svc`.
    func suite(_ directory: TemporaryDirectory, scenarios: String) throws -> String {
        try directory.write(
            "suite.yaml",
            """
            version: 1
            services:
              - name: svc
                context: svc
                port: 8080
                health: {path: /health}
                drivers:
                  uv: {dockerfile: Dockerfile}
                scenarios:
            \(scenarios)
            """)
    }

    @Test("a suite whose scenario files escape the context is refused naming the file, line and field")
    func suiteRefusals() throws {
        let directory = try fixture()
        defer { directory.remove() }
        let cases: [(String, String, String)] = [
            ("      code_change: [app.py, ../host-file.txt]\n", ":10: services[0].scenarios.code_change[1]", "'..'"),
            ("      code_change: [out-link]\n", ":10: services[0].scenarios.code_change[0]", "symlink"),
            ("      deps_change: {sub/requirements.txt: abs-link}\n", "services[0].scenarios.deps_change", "symlink"),
            ("      deps_change: {../../etc/cron.d/x: app.py}\n", "services[0].scenarios.deps_change", "destination"),
            ("      deps_change: {dir-link/x: app.py}\n", "services[0].scenarios.deps_change", "symlink"),
        ]
        for (scenarios, location, reason) in cases {
            let path = try suite(directory, scenarios: scenarios)
            do {
                _ = try SuiteLoader.load(path: path)
                Issue.record("accepted \(scenarios)")
            } catch let error as ConfigError {
                #expect(error.description.contains(path), "\(error)")
                #expect(error.description.contains(location), "\(scenarios): \(error)")
                #expect(error.description.contains(reason), "\(scenarios): \(error)")
            }
        }
        // Inside the context, through a symlink that stays inside, is fine.
        let good = try suite(
            directory, scenarios: "      code_change: [app.py]\n      deps_change: {in-link: sub/requirements.txt}\n")
        #expect(
            try SuiteLoader.load(path: good).services[0].scenarios.depsChange == ["in-link": "sub/requirements.txt"])
    }

    @Test("the context copy is checked again: a symlink that is harmless in the context but leads out of the copy")
    func copyIsCheckedAgain() async throws {
        let directory = try fixture()
        defer { directory.remove() }
        let work = try TemporaryDirectory()
        defer { work.remove() }
        // In the context, `up/app.py` → `../app.py` stays inside (svc/app.py); the copy lives in another folder,
        // where the same relative link would still stay inside, so make one that only escapes from the copy:
        // `../../svc/app.py` from svc/deep points back into the original context, outside the copy.
        try FileManager.default.createDirectory(
            atPath: directory.path + "/svc/deep", withIntermediateDirectories: true)
        let name = URL(fileURLWithPath: directory.path).lastPathComponent
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/svc/deep/app.py", withDestinationPath: "../../../\(name)/svc/app.py")
        #expect(try ConfinedPath.resolve("deep/app.py", inside: directory.path + "/svc").hasSuffix("/svc/app.py"))
        let service = ServiceSpec(
            name: "svc", context: directory.path + "/svc",
            drivers: [DriverSpec(name: "uv", dockerfile: directory.path + "/svc/Dockerfile")], port: 8080,
            health: HealthSpec(path: "/health"), scenarios: ScenarioFiles(codeChange: ["deep/app.py"]))
        let builder = BuildKitImageBuilder(
            client: BuildKitClient(executable: "/bin/false", version: "0", mode: .builtin),
            engine: InMemoryContainerEngine(clock: VirtualClock()), logger: Logger(label: "test"))
        let request = BuildRequest(
            service: service, driver: service.drivers[0], scenario: .codeChange, tag: "t", runID: "r",
            settings: BuildSettings(workDirectory: work.url))
        #expect {
            _ = try builder.prepareContext(request)
        } throws: { error in
            "\(error)".contains("code-change file deep/app.py leads out of the folder through a symlink")
        }
        #expect(try String(contentsOfFile: directory.path + "/svc/app.py", encoding: .utf8) == "print('hi')\n")
    }
}
