import ContainerBenchModel
import Foundation

/// `run --confirm`: a regression alert is kept only when a second measurement of the alerted service × drivers
/// alerts again against the same baseline. One unlucky run (a noisy neighbour, a slow disk) then does not fail CI,
/// while a real regression, which shows up every time, still does.
public enum RegressionConfirmation {
    /// The service × driver pairs with an unacknowledged regression, in the findings' order.
    public static func alertedPairs(_ evaluation: Evaluation) -> [ServiceDriver] {
        var pairs: [ServiceDriver] = []
        for finding in evaluation.regressions where finding.isAlert {
            let pair = ServiceDriver(service: finding.service, driver: finding.driver)
            if !pairs.contains(pair) { pairs.append(pair) }
        }
        return pairs
    }

    /// `evaluation` with every alert that `confirmation` (the rerun's evaluation) does not repeat turned into
    /// `unchanged`; returns the notes to record as warnings, one per alert confirmed or dropped.
    public static func apply(confirmation: Evaluation, confirmationRunID: String, to evaluation: inout Evaluation)
        -> [String]
    {
        var notes: [String] = []
        for index in evaluation.regressions.indices {
            let finding = evaluation.regressions[index]
            guard finding.isAlert else { continue }
            let again = confirmation.regressions.contains {
                $0.service == finding.service && $0.driver == finding.driver && $0.metric == finding.metric
                    && $0.change == .regression
            }
            let cell = "\(finding.service)/\(finding.driver) \(finding.metric.rawValue)"
            if again {
                notes.append("regression of \(cell) confirmed by run \(confirmationRunID)")
            } else {
                evaluation.regressions[index].change = .unchanged
                notes.append("regression of \(cell) not confirmed by run \(confirmationRunID): alert dropped")
            }
        }
        return notes
    }
}
