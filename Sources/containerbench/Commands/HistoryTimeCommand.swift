import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench history time`: times, in this process, the history work a nightly `run` does after measuring
/// (baseline selection, the trend series of every chart with their noise bands and change points, the per-run
/// baseline samples and noise history the run-level verdicts read), without drawing anything. Hidden: it is the
/// history benchmark's probe (`make history-bench`).
struct HistoryTimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time",
        abstract: "Time a nightly run's history work against a history (for benchmarks); prints JSON.",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many times to repeat each step (the median is printed).")
    var repeats: Int = 5

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() async throws {
        let store = try HistoryInputs.openExisting(global)
        let record = try HistoryInputs.run("latest", in: store)
        let clock = ContinuousClock()
        func median(_ body: () throws -> Void) throws -> Double {
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = clock.now
                try body()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            return times.sorted()[times.count / 2]
        }
        let key = record.environment.comparabilityKey
        let metrics: [Metric] = [.startupSeconds, .memoryPeakBytes, .imageBytes, .buildSeconds]
        let results: [String: Double] = try HistoryInputs.guarded {
            [
                "baseline_last_5": try median {
                    _ = try BaselineResolver(store: store).resolve(.lastGood(5), for: record)
                },
                "trend_series_all_charts": try median {
                    for pair in record.pairs {
                        for metric in metrics {
                            _ = try ArtifactStage.trendSeries(
                                store: store, service: pair.service, driver: pair.driver, metric: metric, targets: nil)
                        }
                    }
                },
                "per_run_baseline_samples": try median {
                    let runs = try store.lastGoodRuns(count: 5, fingerprintKey: key, excluding: [record.id])
                    _ = try store.perRunSamples(runIDs: runs.map(\.id), scenario: .cold)
                },
                "noise_history_30": try median {
                    _ = try store.noiseHistory(fingerprintKey: key, count: 30, excluding: [record.id])
                },
                "load_run": try median { _ = try store.run(id: record.id) },
            ]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(results), as: UTF8.self))
    }
}
