import Foundation

/// What the nightly regression screen found for one cell: a suspicion to confirm in one sitting, or why not.
public struct ScreenResult: Sendable, Codable, Equatable {
    /// The screen's call.
    ///
    /// Encoded as its description, a plain string: "suspected regression", "improvement", "unchanged",
    /// "inconclusive (too few samples)", "inconclusive (run-to-run noise unknown)".
    public enum Finding: Sendable, Codable, Equatable, CustomStringConvertible {
        /// Worse than the baseline at the screen's level: confirm it with a same-sitting A/B before alerting.
        case suspectedRegression
        /// Better than the baseline at the (strict) improvement level.
        case improvement
        /// Not flagged, and the screen would have flagged a change of `minimumDetectableChange` 80% of the time.
        case unchanged
        /// Not flagged, but the screen could not have seen a change of the policy's resolution.
        case inconclusive(Reason)

        /// Why a cell is inconclusive.
        public enum Reason: String, Sendable, Codable, CaseIterable {
            /// The samples are too few (or too noisy) to detect a change of the resolution.
            case tooFewSamples = "too few samples"
            /// One baseline run and no history of comparable runs: run-to-run noise is unknown.
            case noRunToRunEstimate = "run-to-run noise unknown"
        }

        /// The call as reports print it: "suspected regression", "inconclusive (too few samples)".
        public var description: String {
            switch self {
            case .suspectedRegression: return "suspected regression"
            case .improvement: return "improvement"
            case .unchanged: return "unchanged"
            case .inconclusive(let reason): return "inconclusive (\(reason.rawValue))"
            }
        }

        /// The call a description names; nil for any other text.
        public init?(description: String) {
            let calls: [Finding] =
                [.suspectedRegression, .improvement, .unchanged] + Reason.allCases.map { .inconclusive($0) }
            guard let call = calls.first(where: { $0.description == description }) else { return nil }
            self = call
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let call = Finding(description: text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "unknown screen finding '\(text)'"))
            }
            self = call
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    /// Which noise the comparison's standard error is made of.
    public enum NoiseModel: String, Sendable, Codable, CaseIterable {
        /// Between-run spread of run summaries (baseline and history runs): drift is accounted for.
        case betweenRuns = "between runs"
        /// Within-run spread only, because no second comparable run exists: drift is not accounted for.
        case withinRunOnly = "within run only"
    }

    /// The call.
    public var finding: Finding
    /// current ÷ baseline, as a ratio of geometric means.
    public var ratio: Double
    /// ln `ratio`.
    public var logDifference: Double
    /// The standard error of `logDifference` at the run level.
    public var standardError: Double
    /// The degrees of freedom of its t distribution (Satterthwaite when trial counts differ between runs).
    public var degreesOfFreedom: Double
    /// One-sided p-value of "not worse" (small: the current run is slower / larger than the baseline).
    public var pWorse: Double
    /// One-sided p-value of "not better".
    public var pBetter: Double
    /// The relative change the screen flags with the policy's detection power (0.08 = +8%); infinite when the
    /// comparison has no degrees of freedom.
    public var minimumDetectableChange: Double
    /// The noise the standard error is made of.
    public var noise: NoiseModel
    /// Run summaries the between-run spread was estimated from (0 for `withinRunOnly`).
    public var spreadRuns: Int
    /// The estimated run-to-run standard deviation of the log (≈ the relative drift); nil when unknown.
    public var runToRunSD: Double?
    /// The pooled within-run standard deviation of the log (≈ the within-run CV); nil when unknown.
    public var withinRunSD: Double?

    /// A result with the given fields.
    public init(
        finding: Finding, ratio: Double, logDifference: Double, standardError: Double, degreesOfFreedom: Double,
        pWorse: Double, pBetter: Double, minimumDetectableChange: Double, noise: NoiseModel, spreadRuns: Int,
        runToRunSD: Double?, withinRunSD: Double?
    ) {
        self.finding = finding
        self.ratio = ratio
        self.logDifference = logDifference
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        self.pWorse = pWorse
        self.pBetter = pBetter
        self.minimumDetectableChange = minimumDetectableChange
        self.noise = noise
        self.spreadRuns = spreadRuns
        self.runToRunSD = runToRunSD
        self.withinRunSD = withinRunSD
    }

    /// Whether the cell goes to confirmation.
    public var needsConfirmation: Bool { finding == .suspectedRegression }
}
