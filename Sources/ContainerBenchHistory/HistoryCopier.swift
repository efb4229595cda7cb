import ContainerBenchModel
import Foundation

/// Copies one history into another (a file into a shared database, or back): runs with their evaluations,
/// baselines and acknowledgements. Idempotent: what the target already holds is left alone, so a second copy adds
/// nothing; each copied run is verified by its row counts on both sides.
public struct HistoryCopier: Sendable {
    /// Where runs come from.
    public var source: any HistoryStore
    /// Where they go.
    public var target: any HistoryStore

    /// A copier from `source` to `target`.
    public init(from source: any HistoryStore, to target: any HistoryStore) {
        self.source = source
        self.target = target
    }

    /// What a copy did.
    public struct Report: Sendable, Equatable {
        /// Runs copied (and verified).
        public var copiedRuns = 0
        /// Runs the target already held.
        public var presentRuns = 0
        /// Baselines copied.
        public var copiedBaselines = 0
        /// Baselines the target already had under the same name (kept as they were).
        public var keptBaselines: [String] = []
        /// Acknowledgements added.
        public var addedAnnotations = 0
        /// Acknowledgements the target already had.
        public var presentAnnotations = 0

        /// Lines for people.
        public func summary(from: String, to: String) -> String {
            var lines = [
                "copied \(copiedRuns) run(s) from \(from) to \(to) (\(presentRuns) already there), each verified "
                    + "by its row counts",
                "baselines: \(copiedBaselines) copied, \(keptBaselines.count) already there"
                    + (keptBaselines.isEmpty ? "" : " (kept: \(keptBaselines.joined(separator: ", ")))"),
                "acknowledgements: \(addedAnnotations) added, \(presentAnnotations) already there",
            ]
            if copiedRuns == 0 && copiedBaselines == 0 && addedAnnotations == 0 { lines.append("nothing to copy") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Copies everything the target lacks.
    /// - Throws: `HistoryError` from either side; `invalidRecord` when a copied run's row counts differ.
    public func copy() throws -> Report {
        var report = Report()
        let present = Set(try target.runIDs())
        for id in try source.runIDs() {
            if present.contains(id) {
                report.presentRuns += 1
                continue
            }
            guard let run = try source.run(id: id) else { continue }  // deleted meanwhile
            do {
                try target.save(run, evaluation: try source.evaluation(runID: id))
            } catch let error as HistoryError where error.code == .duplicateRun {
                // Another copy (or runner) stored it in the meantime: it is there, which is what was wanted.
                report.presentRuns += 1
                continue
            }
            let expected = try source.rowCounts(runID: id)
            let copied = try target.rowCounts(runID: id)
            guard expected == copied else {
                let differences = expected.keys.sorted().filter { expected[$0] != copied[$0] }
                    .map { "\($0): \(expected[$0] ?? 0) → \(copied[$0] ?? 0)" }
                throw HistoryError(
                    .invalidRecord, path: target.location,
                    detail: "run \(id) copied with other row counts (\(differences.joined(separator: ", ")))")
            }
            report.copiedRuns += 1
        }
        for baseline in try source.baselines() {
            if try target.baseline(named: baseline.name) != nil {
                report.keptBaselines.append(baseline.name)
                continue
            }
            let data = try source.exportBaseline(name: baseline.name)
            try target.importBaseline(data, source: source.location, replacing: false)
            let copied = try target.exportBaseline(name: baseline.name)
            guard copied == data else {
                let before = String(decoding: data, as: UTF8.self).split(separator: "\n")
                let after = String(decoding: copied, as: UTF8.self).split(separator: "\n")
                let line = Array(zip(before, after)).firstIndex { $0 != $1 } ?? min(before.count, after.count)
                throw HistoryError(
                    .invalidRecord, path: target.location,
                    detail: "baseline \(baseline.name) copied with other samples (line \(line + 1): "
                        + "\(line < before.count ? before[line] : "end") became "
                        + "\(line < after.count ? after[line] : "end"))")
            }
            report.copiedBaselines += 1
        }
        for annotation in try source.annotations() {
            if try target.addAnnotation(annotation) {
                report.addedAnnotations += 1
            } else {
                report.presentAnnotations += 1
            }
        }
        return report
    }
}
