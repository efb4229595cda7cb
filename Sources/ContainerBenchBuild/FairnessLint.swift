import ContainerBenchModel
import Foundation

/// Warns about Dockerfiles that would make an installer comparison unfair or a startup figure meaningless, from
/// the parsed Dockerfile (instructions only: comments and heredoc bodies never trigger a rule). What needs the
/// built image (a HEALTHCHECK program that is not in it) is checked by the image stage.
public enum FairnessLint {
    /// Warnings for one service's drivers.
    public static func check(service: ServiceSpec) -> [String] {
        var warnings: [String] = []
        var compiles: [String: Bool] = [:]
        for driver in service.drivers {
            let file = URL(fileURLWithPath: driver.dockerfile).lastPathComponent
            let place = "\(service.name)/\(driver.name) (\(file))"
            guard let dockerfile = try? Dockerfile.load(path: driver.dockerfile),
                let resolution = try? dockerfile.resolve(buildArgs: driver.buildArgs, target: driver.target),
                let configs = try? dockerfile.imageConfigs(resolution: resolution, buildArgs: driver.buildArgs)
            else { continue }
            let stages = resolution.reachable.compactMap { index in dockerfile.stages.first { $0.index == index } }
            let runs = stages.flatMap(\.instructions).filter { $0.keyword == "RUN" }
            let environment = resolution.reachable.filter { $0 < configs.count }.map { configs[$0].environment }
            compiles[driver.name] = Self.compilesBytecode(runs: runs, environment: environment)
            for run in runs where run.mounts.contains(where: { $0.type == "cache" }) {
                if run.commandText.contains("--no-cache-dir") {
                    warnings.append(
                        "\(place):\(run.startLine): --no-cache-dir cancels the pip cache mount of this RUN")
                }
            }
            let final = configs.indices.contains(resolution.target) ? configs[resolution.target] : nil
            let command = service.command ?? ((final?.entrypoint?.argv ?? []) + (final?.cmd?.argv ?? []))
            if let server = Self.developmentServer(command) {
                let line = service.command == nil ? (final?.cmd?.line ?? final?.entrypoint?.line) : nil
                warnings.append(
                    "\(place)\(line.map { ":\($0)" } ?? ""): the container runs a development server (\(server)): "
                        + "it reloads, watches files or serves single-threaded, so its startup and memory are not "
                        + "what production sees")
            }
            if let syntax = dockerfile.directive("syntax") {
                warnings.append(
                    "\(place):\(syntax.line): '# syntax=\(syntax.value)' would make BuildKit pull a frontend image "
                        + "from a registry; the build copy drops it and uses the built-in frontend")
            }
        }
        if Set(compiles.values).count > 1 {
            let with = compiles.filter { $0.value }.keys.sorted().joined(separator: ", ")
            let without = compiles.filter { !$0.value }.keys.sorted().joined(separator: ", ")
            warnings.append(
                "\(service.name): bytecode is compiled at build time by \(with) but not by \(without) (pip compiles "
                    + "by default unless --no-compile; uv only with UV_COMPILE_BYTECODE=1 or --compile-bytecode): "
                    + "the first start of \(without) pays for it, so startup is not comparable")
        }
        return warnings
    }

    /// Whether a build's RUN steps and ENV leave compiled bytecode behind: pip compiles what it installs unless told
    /// not to, uv only when asked, and `compileall` always does.
    static func compilesBytecode(runs: [Dockerfile.Instruction], environment: [[String: String]]) -> Bool {
        let env = environment.reduce(into: [String: String]()) { $0.merge($1) { _, new in new } }
        let truthy: Set<String> = ["1", "true", "yes", "on"]
        for run in runs {
            let text = run.commandText
            if text.contains("compileall") || text.contains("--compile-bytecode") { return true }
            if text.contains("uv sync") || text.contains("uv pip install") {
                if truthy.contains(env["UV_COMPILE_BYTECODE"]?.lowercased() ?? "") { return true }
                continue
            }
            if text.contains("pip install") || text.contains("pip3 install") {
                let noCompile =
                    text.contains("--no-compile") || truthy.contains(env["PIP_NO_COMPILE"]?.lowercased() ?? "")
                if !noCompile { return true }
            }
        }
        return false
    }

    /// A description of the development or reload server `argv` starts, or nil.
    static func developmentServer(_ argv: [String]) -> String? {
        let words = argv.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        let programs = words.map { URL(fileURLWithPath: $0).lastPathComponent }
        func has(_ word: String) -> Bool { words.contains(word) }
        if has("--reload") || words.contains(where: { $0.hasPrefix("--reload") }) {
            return "\(programs.first ?? "server") --reload"
        }
        if let index = programs.firstIndex(of: "fastapi"), index + 1 < words.count, words[index + 1] == "dev" {
            return "fastapi dev"
        }
        if let index = programs.firstIndex(of: "flask"), index + 1 < words.count, words[index + 1] == "run" {
            return "flask run"
        }
        if has("-m"), let index = words.firstIndex(of: "-m"), index + 2 < words.count, words[index + 1] == "flask",
            words[index + 2] == "run"
        {
            return "python -m flask run"
        }
        if words.contains(where: { $0.hasSuffix("manage.py") }) && has("runserver") { return "manage.py runserver" }
        if has("--debug") && (programs.contains("flask") || programs.contains("gunicorn")) { return "--debug" }
        return nil
    }
}
