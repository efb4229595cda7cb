import Foundation

/// The exit code contract: what every command's exit code means. Documented in README and docs/exit-codes.md.
public enum ExitStatus: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// Every budget passed and no regression was found.
    case pass = 0
    /// At least one absolute or ratio budget failed (or a policy check failed).
    case budgetBreached = 1
    /// A statistically significant regression against the baseline.
    case regression = 2
    /// A budget or gate could not be decided (interval straddles the limit); only with `--strict`.
    case inconclusive = 3
    /// The engine, a build, a trial or the history failed: the figures cannot be trusted.
    case infrastructureError = 4
    /// Bad flags or bad input files (ArgumentParser's validation code).
    case usageError = 64
    /// Stopped by SIGINT or SIGTERM; what ran was recorded as interrupted.
    case interrupted = 130

    public var description: String {
        switch self {
        case .pass: return "pass"
        case .budgetBreached: return "budget breached"
        case .regression: return "regression"
        case .inconclusive: return "inconclusive"
        case .infrastructureError: return "infrastructure error"
        case .usageError: return "usage error"
        case .interrupted: return "interrupted"
        }
    }

    /// The verdict of a run: infrastructure errors first (figures are untrustworthy), then budgets, regressions,
    /// and inconclusive results (which fail only when `strict`).
    public static func verdict(status: RunStatus, evaluation: Evaluation, strict: Bool) -> ExitStatus {
        if status == .interrupted { return .interrupted }
        if status == .failed { return .infrastructureError }
        let budgetOutcomes = evaluation.budgets.map(\.outcome) + evaluation.ratios.map(\.outcome)
        if budgetOutcomes.contains(.fail) || evaluation.policy.contains(where: \.failsRun) { return .budgetBreached }
        if budgetOutcomes.contains(.missing) { return .infrastructureError }
        if evaluation.regressions.contains(where: \.isAlert) {
            return .regression
        }
        if strict
            && (budgetOutcomes.contains(.inconclusive)
                || evaluation.regressions.contains { $0.change == .inconclusive })
        {
            return .inconclusive
        }
        return .pass
    }
}
