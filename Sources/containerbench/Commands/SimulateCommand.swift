import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench simulate`: what the verdict defaults buy, by seeded simulation with the product's own types.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate nights of runs to show false alarms, power, budget outcomes and trial cost.",
        discussion: """
            Every verdict is made by the same VerdictPolicy, BudgetJudge, RegressionScreen and ConfirmationTest \
            that `run` uses. Trials are log-normal; each run (night) multiplies every cell by a drift factor, \
            half of its variance shared by the night's cells; the baseline is the last runs of each cell, rolling. \
            Prints, for the default trials and for --trials auto: the share of nights with any false alarm over \
            24 cells (4 services × 2 drivers × 3 metrics) at 0, 2, 3 and 5% drift; the share of nights a +10% or \
            +20% regression of one cell is confirmed, at within-run CV 5, 10 and 16%; budget outcomes of a p95 \
            budget whose true p95 is 0.9, 1.0, 1.1 and 1.3 × the limit; a max budget with an observed breach; a \
            uv/pip ratio budget from 3 repeated builds; and the mean trials per night. Deterministic for a seed. \
            Build with `swift build -c release` first: the defaults take 20 s to a minute on two cores.
            """)

    @Option(help: "Nights per false-alarm row.")
    var nights: Int = 10_000

    @Option(help: "Nights per power row.")
    var powerNights: Int = 2_000

    @Option(help: "Replications per budget row.")
    var replications: Int = 2_000

    @Option(help: "The share of drift variance common to all cells of a night, 0 to 1.")
    var driftCorrelation: Double = 0.5

    @Option(help: "The seed of every random draw.")
    var seed: UInt64 = 14

    func validate() throws {
        guard nights >= 1, powerNights >= 1, replications >= 1 else {
            throw ValidationError("--nights, --power-nights and --replications must be at least 1")
        }
        guard (0...1).contains(driftCorrelation) else {
            throw ValidationError("--drift-correlation must be from 0 to 1, got \(driftCorrelation)")
        }
    }

    func run() async throws {
        let policy = VerdictPolicy.standard
        let jobs = makeJobs()
        let started = Date()
        let results = await withTaskGroup(of: (Int, [String]).self) { group in
            for (index, job) in jobs.enumerated() {
                let simulation = VerdictSimulation(
                    policy: policy, driftCorrelation: driftCorrelation, seed: seed &+ UInt64(index) &* 0x9e37_79b9)
                group.addTask { (index, job.run(simulation)) }
            }
            var rows = [[String]](repeating: [], count: jobs.count)
            for await (index, row) in group { rows[index] = row }
            return rows
        }
        print(header(policy))
        var section = ""
        for (job, row) in zip(jobs, results) {
            if job.section != section {
                section = job.section
                print("\n" + section + "\n")
                print(job.columns)
                print(String(repeating: "|---", count: job.columns.filter { $0 == "|" }.count - 1) + "|")
            }
            print("| " + row.joined(separator: " | ") + " |")
        }
        print(String(format: "\n(%.0f s)", Date().timeIntervalSince(started)))
    }

    private func header(_ policy: VerdictPolicy) -> String {
        let confirmation = policy.confirmationPlan
        let auto = policy.autoPlan
        return """
            containerbench simulate --seed \(seed) (24 cells, drift correlation \(driftCorrelation))
            policy: \(policy.trialsPerCell) trials per cell, baseline of the last \(policy.baselineRuns) runs, \
            screen one-sided α \(policy.screenAlpha), family-wise α \(percent(policy.familyAlpha)) per night over \
            the screened cells, confirmation A/B \(confirmation.firstLookTrials)+\(confirmation.firstLookTrials) \
            per round up to \(confirmation.maximumTrials)+\(confirmation.maximumTrials), futility at \
            \(percent(policy.futilityConfidence)) below +\(percent(policy.resolution)); --trials auto: \
            \(auto.firstLookTrials) to \(auto.maximumTrials) trials in rounds of \(auto.roundTrials); budgets at \
            \(percent(policy.budgetConfidence)).
            """
    }

    private func makeJobs() -> [SimulationJob] {
        var jobs: [SimulationJob] = []
        for trials in VerdictSimulation.Trials.allCases {
            for drift in [0.0, 0.02, 0.03, 0.05] {
                jobs.append(.falseAlarms(trials: trials, drift: drift, nights: nights))
            }
        }
        for trials in VerdictSimulation.Trials.allCases {
            for drift in [0.0, 0.03] {
                for cv in [0.05, 0.10, 0.16] {
                    for effect in [0.10, 0.20] {
                        jobs.append(.power(trials: trials, drift: drift, cv: cv, effect: effect, nights: powerNights))
                    }
                }
            }
        }
        for trials in VerdictSimulation.Trials.allCases {
            for ratio in [0.9, 1.0, 1.1, 1.3] {
                jobs.append(.quantile(trials: trials, ratio: ratio, replications: replications))
            }
            jobs.append(.breach(trials: trials, replications: replications))
        }
        for ratio in [0.30, 0.36, 0.40, 0.44, 0.50] {
            jobs.append(.ratio(ratio: ratio, replications: replications))
        }
        return jobs
    }
}

/// One row of the simulation's output.
private enum SimulationJob: Sendable {
    case falseAlarms(trials: VerdictSimulation.Trials, drift: Double, nights: Int)
    case power(trials: VerdictSimulation.Trials, drift: Double, cv: Double, effect: Double, nights: Int)
    case quantile(trials: VerdictSimulation.Trials, ratio: Double, replications: Int)
    case breach(trials: VerdictSimulation.Trials, replications: Int)
    case ratio(ratio: Double, replications: Int)

    var section: String {
        switch self {
        case .falseAlarms: return "A/A: nights with any false alarm over 24 unchanged cells (within-run CV 10%)"
        case .power: return "Power: one cell regressed, the other 23 unchanged"
        case .quantile, .breach: return "Budgets: p95 < limit (log-normal trials, CV 10%), and a max budget"
        case .ratio: return "Ratio budget uv ÷ pip < 0.40 (3 cold builds per driver, CV 5%)"
        }
    }

    var columns: String {
        switch self {
        case .falseAlarms:
            return "| trials | drift | nights | false alarm | screened cells | inconclusive cells | run trials"
                + " | confirmation trials | total trials |"
        case .power:
            return "| trials | drift | within CV | regression | found | screened | screened cells | total trials |"
        case .quantile, .breach:
            return "| trials | budget | truth | pass | fail | inconclusive | mean trials |"
        case .ratio:
            return "| true ratio | pass | fail | inconclusive |"
        }
    }

    func run(_ simulation: VerdictSimulation) -> [String] {
        switch self {
        case .falseAlarms(let trials, let drift, let nights):
            let result = simulation.nights(nights, trials: trials, drift: drift, withinCV: 0.10)
            return [
                trials.description, percent(drift), "\(nights)", percent(result.falseAlarmRate, digits: 2),
                fixed(result.screenedCells), fixed(result.inconclusiveCells), fixed(result.runTrials, digits: 0),
                fixed(result.confirmationTrials, digits: 0), fixed(result.totalTrials, digits: 0),
            ]
        case .power(let trials, let drift, let cv, let effect, let nights):
            let result = simulation.nights(nights, trials: trials, drift: drift, withinCV: cv, effect: effect)
            return [
                trials.description, percent(drift), percent(cv), "+" + percent(effect),
                percent(result.detectionRate ?? 0), percent(result.screenRate ?? 0), fixed(result.screenedCells),
                fixed(result.totalTrials, digits: 0),
            ]
        case .quantile(let trials, let ratio, let replications):
            let result = simulation.quantileBudget(
                replications, trials: trials, quantileOverLimit: ratio, withinCV: 0.10)
            return [trials.description, "p95", String(format: "p95 = %.1f × limit", ratio)] + shares(result)
        case .breach(let trials, let replications):
            let result = simulation.maximumBudgetWithBreach(replications, trials: trials)
            return [trials.description, "max 1.5 GB", "one trial 1.6 GB, others ~0.2 GB"] + shares(result)
        case .ratio(let ratio, let replications):
            let result = simulation.ratioBudget(
                replications, ratio: ratio, limit: 0.40, withinCV: 0.05, repeats: simulation.policy.buildRepeats)
            return [
                String(format: "%.2f", ratio), percent(result.pass), percent(result.fail),
                percent(result.inconclusive),
            ]
        }
    }

    private func shares(_ result: VerdictSimulation.BudgetShares) -> [String] {
        [percent(result.pass), percent(result.fail), percent(result.inconclusive), fixed(result.trials)]
    }
}

private func percent(_ value: Double, digits: Int = 1) -> String {
    let text = String(format: "%.\(digits)f", value * 100)
    return (text.hasSuffix(".0") && digits == 1 ? String(text.dropLast(2)) : text) + "%"
}

private func fixed(_ value: Double, digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}
