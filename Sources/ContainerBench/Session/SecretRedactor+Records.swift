import ContainerBenchModel
import Foundation

extension SecretRedactor {
    /// `record` with every string masked (`redacting(_:)`); should its encoding fail (a non-finite number), the
    /// fields that hold text from builds, images and containers are masked one by one instead.
    public func redacted(_ record: RunRecord) -> RunRecord {
        if let whole = try? redacting(record) { return whole }
        var record = record
        record.warnings = record.warnings.map(redact)
        record.errors = record.errors.map(redact)
        record.suite = redact(record.suite)
        for index in record.builds.indices {
            record.builds[index].logTail = record.builds[index].logTail.map(redact)
            for step in record.builds[index].steps.indices {
                record.builds[index].steps[step].name = redact(record.builds[index].steps[step].name)
            }
        }
        for index in record.images.indices {
            for layer in record.images[index].layers.indices {
                record.images[index].layers[layer].createdBy = redact(record.images[index].layers[layer].createdBy)
            }
        }
        for index in record.trials.indices {
            guard var failure = record.trials[index].failure else { continue }
            failure.message = redact(failure.message)
            failure.logs = failure.logs.map(redact)
            record.trials[index].failure = failure
        }
        return record
    }

    /// `evaluation` with every string masked; unchanged only when it cannot be encoded (it holds no text from
    /// builds or containers of its own: its details are the record's values and the verdicts' sentences).
    public func redacted(_ evaluation: Evaluation) -> Evaluation {
        (try? redacting(evaluation)) ?? evaluation
    }
}
