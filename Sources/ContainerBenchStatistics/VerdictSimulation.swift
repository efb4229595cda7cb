import Foundation

/// A seeded simulation of nights of containerbench, judged by the very types the product uses
/// (`VerdictPolicy`, `BudgetJudge`, `RegressionScreen`, `ConfirmationTest`), to show what the defaults buy: the
/// false-alarm rate per night, the power to find a regression, budget outcomes, and the trials it all costs.
///
/// Model: each of `cells` cells (service × driver × metric) has log-normal trials with a within-run CV; every run
/// (night) multiplies a cell by a drift factor exp(σ_d·Z), of which a share `driftCorrelation` of the variance is
/// common to all cells of that night (the machine) and the rest is the cell's own. The baseline is the last
/// `policy.baselineRuns` runs of each cell, rolling night after night. A confirmation A/B runs in one sitting, so
/// the night's drift falls on both sides and cancels. Cells are independent given the drift (a real trial yields
/// several metrics at once, so the trial counts here are an upper bound of the real cost).
public struct VerdictSimulation: Sendable {
    /// How many trials each cell gets per night.
    public enum Trials: String, Sendable, CaseIterable, CustomStringConvertible {
        /// `policy.trialsPerCell` trials.
        case fixed
        /// `--trials auto`: rounds of `policy.autoPlan` until the cell's screen is settled.
        case auto

        /// The label of the simulation's table rows.
        public var description: String { self == .fixed ? "default" : "--trials auto" }
    }

    /// What a series of simulated nights showed.
    public struct Nights: Sendable, Equatable {
        /// Nights simulated.
        public var nights: Int
        /// Share of nights with at least one confirmed alert on a cell that did not change.
        public var falseAlarmRate: Double
        /// Share of nights on which the regressed cell was confirmed (nil without a regressed cell).
        public var detectionRate: Double?
        /// Share of nights on which the regressed cell was screened, confirmed or not (nil without one).
        public var screenRate: Double?
        /// Mean cells screened (sent to confirmation) per night.
        public var screenedCells: Double
        /// Mean cells per night reported `inconclusive (too few samples)`.
        public var inconclusiveCells: Double
        /// Mean trials per night in the runs themselves.
        public var runTrials: Double
        /// Mean trials per night in confirmation A/Bs (both sides).
        public var confirmationTrials: Double

        /// Mean trials per night in all.
        public var totalTrials: Double { runTrials + confirmationTrials }
    }

    /// Shares of budget outcomes.
    public struct BudgetShares: Sendable, Equatable {
        /// Share of replications that passed.
        public var pass: Double
        /// Share that failed.
        public var fail: Double
        /// Share that stayed inconclusive.
        public var inconclusive: Double
        /// Mean trials per replication.
        public var trials: Double
    }

    /// The policy under test.
    public var policy: VerdictPolicy
    /// Cells per night (4 services × 2 drivers × 3 metrics).
    public var cells: Int
    /// The share of the drift variance common to all cells of a night, in [0, 1].
    public var driftCorrelation: Double
    /// The seed of every random draw.
    public var seed: UInt64

    /// A simulation of `policy`.
    public init(policy: VerdictPolicy = .standard, cells: Int = 24, driftCorrelation: Double = 0.5, seed: UInt64 = 14) {
        self.policy = policy
        self.cells = cells
        self.driftCorrelation = driftCorrelation
        self.seed = seed
    }

    /// `nights` nights in which every cell is unchanged except cell 0, which is `effect` worse (0.1 = +10%) in
    /// the current run than in its baseline; `drift` and `withinCV` are relative (0.03 = 3%).
    public func nights(_ nights: Int, trials: Trials, drift: Double, withinCV: Double, effect: Double = 0) -> Nights {
        var generator = SeededGenerator(seed: seed)
        let within = Self.logSD(cv: withinCV)
        let driftSD = Self.logSD(cv: drift)
        let screen = policy.screen(cells: cells)
        let confirmation = policy.confirmation()
        let plan = trials == .fixed ? SequentialPlan.fixed(trials: policy.trialsPerCell) : policy.autoPlan
        let shift = log(1 + effect)

        func drifts() -> [Double] {
            let shared = generator.nextNormal()
            return (0..<cells).map { _ in
                driftSD
                    * (driftCorrelation.squareRoot() * shared
                        + (1 - driftCorrelation).squareRoot() * generator.nextNormal())
            }
        }
        func run(_ count: Int, center: Double) -> [Double] {
            (0..<count).map { _ in exp(center + within * generator.nextNormal()) }
        }

        var baselines = [[RunSummary]](repeating: [], count: cells)
        for _ in 0..<policy.baselineRuns {
            for (cell, offset) in drifts().enumerated() {
                baselines[cell].append(Self.summary(run(plan.firstLookTrials, center: offset)))
            }
        }
        var falseAlarms = 0
        var detections = 0
        var regressedScreened = 0
        var screenedTotal = 0
        var inconclusiveTotal = 0
        var runTrials = 0
        var confirmationTrials = 0
        for _ in 0..<nights {
            var screened: [Int] = []
            for (cell, offset) in drifts().enumerated() {
                let center = offset + (cell == 0 ? shift : 0)
                var values = run(plan.firstLookTrials, center: center)
                var look = 1
                var current = Self.summary(values)
                var result = Self.screen(screen, current, baselines[cell])
                while trials == .auto && look < plan.maximumLooks
                    && !policy.screenIsSettled(
                        result, current: current, baseline: baselines[cell], maximumTrials: plan.maximumTrials)
                {
                    look += 1
                    values += run(plan.trials(atLook: look) - values.count, center: center)
                    current = Self.summary(values)
                    result = Self.screen(screen, current, baselines[cell])
                }
                runTrials += values.count
                if result.needsConfirmation { screened.append(cell) }
                if result.finding == .inconclusive(.tooFewSamples) { inconclusiveTotal += 1 }
                // The baseline keeps rolling with unchanged runs: the regressed cell's run is replaced by one at
                // its old level, so every night is the first night of the regression.
                let next = cell == 0 && effect != 0 ? Self.summary(run(values.count, center: offset)) : current
                baselines[cell].removeFirst()
                baselines[cell].append(next)
            }
            screenedTotal += screened.count
            if effect != 0 && screened.contains(0) { regressedScreened += 1 }
            let alpha = policy.confirmationAlpha(screenedCells: screened.count)
            var falseAlarm = false
            for cell in screened {
                let (confirmed, used) = Self.confirm(
                    confirmation, alpha: alpha, within: within, shift: cell == 0 ? shift : 0, generator: &generator)
                confirmationTrials += 2 * used
                if confirmed {
                    if cell == 0 && effect != 0 { detections += 1 } else { falseAlarm = true }
                }
            }
            if falseAlarm { falseAlarms += 1 }
        }
        let count = Double(Swift.max(nights, 1))
        return Nights(
            nights: nights, falseAlarmRate: Double(falseAlarms) / count,
            detectionRate: effect != 0 ? Double(detections) / count : nil,
            screenRate: effect != 0 ? Double(regressedScreened) / count : nil,
            screenedCells: Double(screenedTotal) / count, inconclusiveCells: Double(inconclusiveTotal) / count,
            runTrials: Double(runTrials) / count, confirmationTrials: Double(confirmationTrials) / count)
    }

    /// Outcomes of a quantile budget (`probability`, e.g. 0.95) whose true quantile is `quantileOverLimit` times
    /// the limit, for log-normal trials with `withinCV`.
    public func quantileBudget(
        _ replications: Int, trials: Trials, quantileOverLimit: Double, withinCV: Double, probability: Double = 0.95
    ) -> BudgetShares {
        var generator = SeededGenerator(seed: seed)
        let within = Self.logSD(cv: withinCV)
        let center = log(quantileOverLimit) - NormalDistribution.quantile(probability) * within
        return budgetShares(replications, trials: trials) { count in
            (0..<count).map { _ in exp(center + within * generator.nextNormal()) }
        } judge: { judge, values in
            try? judge.judgeQuantile(values, probability: probability, limit: 1)
        }
    }

    /// Outcomes of a `max` budget of 1.5 GB on peak memory near 0.2 GB (10% CV) with one trial of 1.6 GB among
    /// them, at a random position: the 0.2, 0.2, 0.2, 0.2, 1.6 GB case. Every replication must fail.
    public func maximumBudgetWithBreach(_ replications: Int, trials: Trials) -> BudgetShares {
        var generator = SeededGenerator(seed: seed)
        let within = Self.logSD(cv: 0.10)
        return budgetShares(replications, trials: trials) { count in
            var values = (0..<count).map { _ in 0.2e9 * exp(within * generator.nextNormal()) }
            values[generator.nextIndex(below: count)] = 1.6e9
            return values
        } judge: { judge, values in
            try? judge.judgeMaximum(values, limit: 1.5e9)
        }
    }

    /// Outcomes of a ratio budget (numerator ÷ denominator below `limit`) whose true ratio is `ratio`, each side
    /// `repeats` log-normal builds with `withinCV`.
    public func ratioBudget(_ replications: Int, ratio: Double, limit: Double, withinCV: Double, repeats: Int)
        -> BudgetShares
    {
        var generator = SeededGenerator(seed: seed)
        let within = Self.logSD(cv: withinCV)
        let judge = policy.budgetJudge(detailed: false)
        var counts = [0, 0, 0]
        for _ in 0..<replications {
            let numerator = (0..<repeats).map { _ in 20 * ratio * exp(within * generator.nextNormal()) }
            let denominator = (0..<repeats).map { _ in 20 * exp(within * generator.nextNormal()) }
            let outcome =
                (try? judge.judgeRatio(numerator: numerator, denominator: denominator, limit: limit))?.outcome
                ?? .inconclusive
            counts[Self.index(outcome)] += 1
        }
        let total = Double(Swift.max(replications, 1))
        return BudgetShares(
            pass: Double(counts[0]) / total, fail: Double(counts[1]) / total, inconclusive: Double(counts[2]) / total,
            trials: Double(2 * repeats))
    }

    // MARK: - Pieces

    /// Runs budget replications: fixed trials, or the auto plan's looks until the budget is decided.
    private func budgetShares(
        _ replications: Int, trials: Trials, draw: (Int) -> [Double],
        judge: (BudgetJudge, [Double]) -> BudgetDecision?
    ) -> BudgetShares {
        var counts = [0, 0, 0]
        var used = 0
        let plan = trials == .fixed ? SequentialPlan.fixed(trials: policy.trialsPerCell) : policy.autoPlan
        for _ in 0..<replications {
            var values = draw(plan.firstLookTrials)
            var outcome = BudgetDecision.Outcome.inconclusive
            for look in 1...plan.maximumLooks {
                if look > 1 { values += draw(plan.trials(atLook: look) - values.count) }
                let lookJudge = policy.budgetJudge(look: trials == .fixed ? nil : look, detailed: false)
                outcome = judge(lookJudge, values)?.outcome ?? .inconclusive
                if outcome != .inconclusive { break }
            }
            used += values.count
            counts[Self.index(outcome)] += 1
        }
        let total = Double(Swift.max(replications, 1))
        return BudgetShares(
            pass: Double(counts[0]) / total, fail: Double(counts[1]) / total, inconclusive: Double(counts[2]) / total,
            trials: Double(used) / total)
    }

    /// A confirmation A/B of one cell: rounds until the test stops. Returns whether it confirmed and the trials
    /// per side it used.
    private static func confirm(
        _ test: ConfirmationTest, alpha: Double, within: Double, shift: Double, generator: inout SeededGenerator
    ) -> (Bool, Int) {
        var a: [Double] = []
        var b: [Double] = []
        for look in 1...test.plan.maximumLooks {
            let target = test.plan.trials(atLook: look)
            while a.count < target {
                a.append(exp(within * generator.nextNormal()))
                b.append(exp(shift + within * generator.nextNormal()))
            }
            guard let decision = try? test.decide(baseline: a, current: b, alpha: alpha, look: look) else {
                return (false, a.count)
            }
            switch decision.verdict {
            case .confirmed: return (true, a.count)
            case .notConfirmed: return (false, a.count)
            case .continueTrials: continue
            }
        }
        return (false, a.count)
    }

    private static func screen(_ screen: RegressionScreen, _ current: RunSummary, _ baseline: [RunSummary])
        -> ScreenResult
    {
        (try? screen.screen(current: current, baseline: baseline))
            ?? ScreenResult(
                finding: .inconclusive(.tooFewSamples), ratio: 1, logDifference: 0, standardError: .infinity,
                degreesOfFreedom: 0, pWorse: 1, pBetter: 1, minimumDetectableChange: .infinity, noise: .withinRunOnly,
                spreadRuns: 0, runToRunSD: nil, withinRunSD: nil)
    }

    private static func summary(_ values: [Double]) -> RunSummary {
        (try? RunSummary(trials: values)) ?? RunSummary(count: 0, logMean: 0, logVariance: nil)
    }

    private static func index(_ outcome: BudgetDecision.Outcome) -> Int {
        switch outcome {
        case .pass: return 0
        case .fail: return 1
        case .inconclusive: return 2
        }
    }

    /// The standard deviation of the log of a log-normal variable with coefficient of variation `cv`.
    static func logSD(cv: Double) -> Double {
        log1p(cv * cv).squareRoot()
    }
}
