import Foundation

extension Dockerfile {
    /// One `name=value` of ARG, ENV or LABEL (or ENV's legacy `name value`).
    public struct Assignment: Sendable, Equatable {
        /// The variable or label name.
        public var key: String
        /// The value as written, quotes and `$` references included; nil for `ARG NAME` without a default.
        public var value: String?

        /// An assignment as written.
        public init(key: String, value: String?) {
            self.key = key
            self.value = value
        }
    }
}
