import ContainerBenchModel
import Foundation

/// The order trials run in: round r runs every service × driver that still has trials once, in the suite's order
/// on even rounds and in reverse on odd ones (A B, then B A), so that a machine drifting during the run does not
/// fall on one side of a comparison. A pure function of the plan, with its own tests.
public enum TrialScheduler {
    /// One trial to run.
    public struct Slot: Sendable, Equatable, CustomStringConvertible {
        public var pair: ServiceDriver
        /// 0-based round, which is also the trial's index among its pair's trials.
        public var round: Int

        /// A slot; see the properties.
        public init(pair: ServiceDriver, round: Int) {
            self.pair = pair
            self.round = round
        }

        public var description: String { "\(pair)#\(round)" }
    }

    /// The trials of `pairs` (in suite order), `trials(pair)` each, interleaved.
    public static func schedule(pairs: [ServiceDriver], trials: (ServiceDriver) -> Int) -> [Slot] {
        let rounds = pairs.map(trials).max() ?? 0
        var slots: [Slot] = []
        for round in 0..<max(0, rounds) {
            for pair in round % 2 == 0 ? pairs : pairs.reversed() where round < trials(pair) {
                slots.append(Slot(pair: pair, round: round))
            }
        }
        return slots
    }
}
