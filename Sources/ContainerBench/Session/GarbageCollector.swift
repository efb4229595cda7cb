import ContainerBenchEngine
import Foundation

/// Finds and removes what containerbench left behind, by label.
public struct GarbageCollector: Sendable {
    public var engine: any ContainerEngine

    public init(engine: any ContainerEngine) {
        self.engine = engine
    }

    /// Removes containers labelled as containerbench's whose creating process is gone (or all, with
    /// `includeLive`), and with `images` the images containerbench built.
    public func collect(includeLive: Bool, images: Bool) async throws -> (containers: [String], images: [String]) {
        var removed: [String] = []
        for id in try await engine.containers(withLabel: "\(ContainerLabels.managed)=1") {
            let labels = try await engine.labels(ofContainer: id)
            if !includeLive, let pid = labels[ContainerLabels.pid].flatMap({ Int32($0) }), Self.isAlive(pid) {
                continue
            }
            try await engine.removeContainer(id)
            removed.append(id)
        }
        var removedImages: [String] = []
        if images {
            for image in try await engine.images(withLabel: "\(ContainerLabels.managed)=1") {
                try await engine.removeImage(image)
                removedImages.append(image)
            }
        }
        return (removed, removedImages)
    }

    /// Whether a process with `pid` exists (signal 0).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
