import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench bootstrap`: makes the suite's base images when they are missing.
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Make the suite's base images locally (debootstrap + import) when missing and not pullable.",
        discussion: """
            For each entry of the suite's base_images map: nothing to do when the original or its local stand-in \
            exists; otherwise (with --pull) try the registry, then build the stand-in: a Debian image with Python \
            and the host's CA bundle, or a uv image from uv's PyPI wheel. Idempotent.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(help: "The suite whose base images to make.")
    var suite: String = "benchmarks/suite.yaml"

    @Flag(help: "Try to pull the original image from its registry before building a stand-in.")
    var pull = false

    func run() async throws {
        let logger = global.makeLogger()
        let loaded: Suite
        do {
            loaded = try SuiteLoader.load(path: suite)
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        let engine = try await CLI.connectEngine(engineOptions)
        do {
            let client = try await BuildKitClient.discover(engine: engine)
            let bootstrapper = BaseImageBootstrapper(engine: engine, client: client, logger: logger, pull: pull)
            for outcome in try await bootstrapper.run(baseImages: loaded.baseImages) where !global.quiet {
                print(outcome)
            }
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }
}
