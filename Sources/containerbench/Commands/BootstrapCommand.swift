import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench bootstrap`: makes the suite's base images when they are missing.
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Make the base images a suite or Dockerfile needs locally, when missing and not pullable.",
        discussion: """
            Reads the Dockerfiles (the suite's, or those given with --dockerfile) and, for every base image they \
            name (FROM, COPY --from, RUN --mount from, through ARG defaults): nothing to do when the original or \
            its stand-in exists; otherwise (with --pull) try the registry, then make the stand-in by its recipe: \
            Debian's Python with pip (python:X.Y images), uv's binaries (ghcr.io/astral-sh/uv:VERSION), uv on \
            Python (ghcr.io/astral-sh/uv:pythonX.Y-*), or Debian (debian:bookworm-slim). Maps come from the \
            suite's base_images, --base-images and --base-image; references nobody maps get the built-in \
            stand-in. Idempotent; a stand-in made by an older recipe is made again. `run` and `ab` do the same \
            before their builds.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var baseImages: BaseImageOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(help: "The suite whose Dockerfiles' base images to make (default benchmarks/suite.yaml).")
    var suite: String?

    @Option(name: .customLong("dockerfile"), help: "A Dockerfile whose base images to make (repeatable).")
    var dockerfiles: [String] = []

    @Option(name: .customLong("build-arg"), help: "KEY=VALUE build arguments for --dockerfile (repeatable).")
    var buildArgs: [String] = []

    @Flag(help: "Try to pull the original image from its registry before building a stand-in.")
    var pull = false

    func run() async throws {
        let logger = global.makeLogger()
        var map: BaseImageMap
        var references: [String] = []
        do {
            var args: [String: String] = [:]
            for pair in buildArgs {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, Validation.isBuildArgName(parts[0]) else {
                    throw ConfigError(file: "command line", field: "--build-arg", message: "'\(pair)' is not KEY=VALUE")
                }
                args[parts[0]] = parts[1]
            }
            if dockerfiles.isEmpty {
                let loaded = try SuiteLoader.load(path: suite ?? "benchmarks/suite.yaml")
                map = loaded.baseImageMap
                references = Array(loaded.baseImages.keys)
                for (_, driver) in loaded.pairs {
                    references += try Dockerfile.load(path: driver.dockerfile)
                        .baseReferences(buildArgs: driver.buildArgs, target: driver.target).map(\.name)
                }
            } else {
                map = try suite.map { try SuiteLoader.load(path: $0).baseImageMap } ?? BaseImageMap()
                for path in dockerfiles {
                    references += try Dockerfile.load(path: path).baseReferences(buildArgs: args).map(\.name)
                }
            }
            map = map.merging(try baseImages.map())
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        let engine = try await CLI.connectEngine(engineOptions)
        var missing: [String] = []
        for reference in Set(references).sorted() where !(await engine.hasImage(reference)) {
            missing.append(reference)
        }
        let (completed, added) = map.completed(for: missing)
        for reference in added where !global.quiet {
            print("\(reference): built-in stand-in \(completed.images[reference] ?? "?")")
        }
        let unmapped = missing.filter { completed.images[$0] == nil }
        if !unmapped.isEmpty {
            throw CLI.fail(
                "no stand-in is known for \(unmapped.joined(separator: ", ")): map each with --base-image NAME=LOCAL",
                .usageError)
        }
        do {
            let client = try await BuildKitClient.discover(engine: engine)
            let bootstrapper = BaseImageBootstrapper(engine: engine, client: client, logger: logger, pull: pull)
            let wanted = Array(Set(references + Array(map.images.keys)))
            for outcome in try await bootstrapper.run(map: completed, references: wanted) where !global.quiet {
                print(outcome)
            }
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }
}
