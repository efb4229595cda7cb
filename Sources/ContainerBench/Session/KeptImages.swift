import ContainerBenchEngine
import ContainerBenchHistory
import ContainerBenchModel
import Foundation

/// The images runs were measured on, kept (tagged, labelled as containerbench's) so that a later run's alert can be
/// confirmed by an A/B of the baseline's very image against the current one, on the same machine in one sitting.
/// A run's own tags (`containerbench/SERVICE:DRIVER-RUNID`) go when it ends; the kept tag holds its image.
///
/// Retention: the newest `keep` completed runs' images per service × driver, plus those of runs a named baseline
/// refers to; older kept tags are removed at the end of each run (and by `gc --images`). Images are large (hundreds
/// of MB each, rebuilt cold they share no layers), so the default keeps two.
public struct KeptImages: Sendable {
    /// The repository of kept images.
    public static func repository(service: String) -> String { "containerbench-kept/\(service)" }

    /// The tag of `run`'s image of `service` × `driver`.
    public static func tag(driver: String, runID: String) -> String { "\(driver)-\(runID)" }

    public var engine: any ContainerEngine
    /// Runs kept per service × driver.
    public var keep: Int

    /// Kept images of `engine`, `keep` runs per service × driver.
    public init(engine: any ContainerEngine, keep: Int = 2) {
        self.engine = engine
        self.keep = keep
    }

    /// Tags the images `record` measured (its cold builds, `containerbench/SERVICE:DRIVER`) as kept.
    /// - Returns: what could not be kept, for the run's warnings.
    public func keep(_ record: RunRecord) async -> [String] {
        guard record.status == .completed else { return [] }
        var problems: [String] = []
        for image in record.images {
            do {
                try await engine.tagImage(
                    image.imageID, repository: Self.repository(service: image.service),
                    tag: Self.tag(driver: image.driver, runID: record.id))
            } catch {
                problems.append(
                    "could not keep the image of \(image.service)/\(image.driver) for later confirmations: \(error)")
            }
        }
        return problems
    }

    /// The newest kept image among `runs` (newest first) for `service` × `driver`: the baseline image an A/B
    /// confirms against, with the run it belongs to.
    public func image(service: String, driver: String, among runs: [String]) async -> (runID: String, image: String)? {
        for run in runs {
            let name = "\(Self.repository(service: service)):\(Self.tag(driver: driver, runID: run))"
            if await engine.hasImage(name) { return (run, name) }
        }
        return nil
    }

    /// Removes this runner's kept tags beyond its newest `keep` per service × driver, sparing the runs in
    /// `protected` (named baselines' runs). Other runners' kept images on a shared engine are theirs to prune (and
    /// `gc --images`'s past the lease).
    /// - Returns: the tags removed.
    @discardableResult
    public func prune(services: [String], protected: Set<String>) async -> [String] {
        var removed: [String] = []
        for service in Set(services).sorted() {
            let repository = Self.repository(service: service)
            let tags = (try? await engine.imageTags(repository: repository)) ?? []
            var byDriver: [String: [(run: String, name: String)]] = [:]
            for name in tags {
                let tag = String(name.dropFirst(repository.count + 1))
                // `driver-RUNID`, the run id being `yyyyMMddTHHmmssZ-xxxxxxxx`: split before its date.
                guard let cut = tag.range(of: #"-\d{8}T\d{6}Z-[0-9a-f]{8}$"#, options: .regularExpression) else {
                    continue
                }
                let driver = String(tag[..<cut.lowerBound])
                let run = String(tag[tag.index(after: cut.lowerBound)...])
                let labels = ((try? await engine.inspectImage(name)) ?? nil)?.config?.labels ?? [:]
                guard engine.runner.owns(labels) else { continue }
                byDriver[driver, default: []].append((run, name))
            }
            for (_, kept) in byDriver {
                // Run ids sort by time.
                for old in kept.sorted(by: { $0.run > $1.run }).dropFirst(keep) where !protected.contains(old.run) {
                    if (try? await engine.removeImage(old.name)) != nil { removed.append(old.name) }
                }
            }
        }
        return removed
    }
}
