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

        public var description: String {
            switch kind {
            case .emptySample: return "empty sample"
            case .nonFiniteValue: return "non-finite value"
            case .invalidPValue: return "invalid p-value"
            case .invalidParameter: return "invalid parameter"
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
}
