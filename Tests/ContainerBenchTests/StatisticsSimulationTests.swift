import ContainerBench
import Foundation
import Testing

/// The simulation behind `containerbench simulate`, in small: it must be deterministic and must show the
/// properties the defaults are chosen for (the full table is in docs/statistics.md).
@Suite struct StatisticsSimulationTests {
    @Test func theSameSeedGivesTheSameNights() {
        let simulation = VerdictSimulation(seed: 3)
        let first = simulation.nights(40, trials: .fixed, drift: 0.03, withinCV: 0.1)
        let second = simulation.nights(40, trials: .fixed, drift: 0.03, withinCV: 0.1)
        #expect(first == second)
        #expect(first.runTrials == 240)
        #expect(first.screenedCells > 0)
    }

    @Test func anObservedBreachAlwaysFails() {
        let simulation = VerdictSimulation(seed: 4)
        for trials in VerdictSimulation.Trials.allCases {
            let shares = simulation.maximumBudgetWithBreach(200, trials: trials)
            #expect(shares.fail == 1)
        }
    }

    @Test func aLargeRegressionIsFoundAndConfirmationCostsTrials() {
        let simulation = VerdictSimulation(seed: 5)
        let nights = simulation.nights(60, trials: .fixed, drift: 0.03, withinCV: 0.1, effect: 0.3)
        #expect((nights.detectionRate ?? 0) >= 0.95)
        #expect(nights.confirmationTrials > 0)
        #expect(nights.falseAlarmRate <= 0.05)
    }

    @Test func aP95FarBelowTheLimitPassesAndFarAboveFails() {
        let simulation = VerdictSimulation(seed: 6)
        #expect(simulation.quantileBudget(200, trials: .fixed, quantileOverLimit: 0.5, withinCV: 0.1).pass >= 0.95)
        #expect(simulation.quantileBudget(200, trials: .fixed, quantileOverLimit: 1.5, withinCV: 0.1).fail >= 0.95)
    }
}
