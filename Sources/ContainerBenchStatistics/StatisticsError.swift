import Foundation

/// Why a statistical routine refused its input.
public struct StatisticsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a value tests and callers can match on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case emptySample
            case nonFiniteValue
            case invalidPValue
            case invalidParameter
            case tooFewValues
            case nonPositiveValue
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// A sample had no values.
        public static let emptySample = Code(.emptySample)
        /// A sample contained NaN or an infinity.
        public static let nonFiniteValue = Code(.nonFiniteValue)
        /// A p-value was outside [0, 1] or not a number.
        public static let invalidPValue = Code(.invalidPValue)
        /// A parameter (resample count, segment length, confidence) was out of range.
        public static let invalidParameter = Code(.invalidParameter)
        /// A sample had values, but fewer than the routine needs (a spread needs two).
        public static let tooFewValues = Code(.tooFewValues)
        /// A value that is compared on the log scale was zero or negative.
        public static let nonPositiveValue = Code(.nonPositiveValue)

        public var description: String {
            switch kind {
            case .emptySample: return "empty sample"
            case .nonFiniteValue: return "non-finite value"
            case .invalidPValue: return "invalid p-value"
            case .invalidParameter: return "invalid parameter"
            case .tooFewValues: return "too few values"
            case .nonPositiveValue: return "non-positive value"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, with which input, and what to do about it.
    public var message: String

    /// An error of `code` explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Throws `emptySample` when `values` is empty and `nonFiniteValue` when any value is NaN or infinite.
    static func validate(_ values: [Double], name: String, routine: String) throws(StatisticsError) {
        guard !values.isEmpty else {
            throw StatisticsError(
                .emptySample, "\(routine): the \(name) sample is empty; it needs at least one measured value")
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw StatisticsError(
                .nonFiniteValue,
                "\(routine): the \(name) sample has a non-finite value (\(values[index])) at index \(index);"
                    + " drop failed measurements before testing")
        }
    }

    /// `validate`, then throws `nonPositiveValue` for a value ≤ 0 (log-scale routines) and `tooFewValues` when there
    /// are fewer than `minimumCount` values.
    static func validatePositive(_ values: [Double], name: String, routine: String, minimumCount: Int = 1)
        throws(StatisticsError)
    {
        try validate(values, name: name, routine: routine)
        if let index = values.firstIndex(where: { $0 <= 0 }) {
            throw StatisticsError(
                .nonPositiveValue,
                "\(routine): the \(name) sample has \(values[index]) at index \(index); times, sizes and ratios are"
                    + " compared on the log scale and must be positive")
        }
        guard values.count >= minimumCount else {
            throw StatisticsError(
                .tooFewValues,
                "\(routine): the \(name) sample has \(values.count) value(s); it needs at least \(minimumCount)"
                    + " (run more trials or repeats)")
        }
    }
}
