import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench gc`: removes what runs left behind (after `kill -9`).
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove containers (and with --images, images) that containerbench runs left behind.",
        discussion: """
            Every container containerbench creates carries the label io.containerbench.managed=1, its run id and \
            the pid of the process that made it. gc removes those whose process is gone (all of them with --all).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var engineOptions: EngineOptions

    @Flag(help: "Also remove containers whose creating process is still alive.")
    var all = false

    @Flag(help: "Also remove the images containerbench built.")
    var images = false

    func run() async throws {
        let engine = try await CLI.connectEngine(engineOptions)
        do {
            let removed = try await GarbageCollector(engine: engine).collect(includeLive: all, images: images)
            if !global.quiet {
                print("removed \(removed.containers.count) container(s), \(removed.images.count) image(s)")
                for id in removed.containers { print("  container \(id.prefix(12))") }
                for id in removed.images { print("  image \(id)") }
            }
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }
}
