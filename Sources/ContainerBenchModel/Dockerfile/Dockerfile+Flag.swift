import Foundation

extension Dockerfile {
    /// A builder flag of an instruction (`--from=builder`, `--mount=type=cache,target=/root/.cache/uv`, `--link`),
    /// with quotes and escapes removed as BuildKit removes them.
    public struct Flag: Sendable, Equatable {
        /// The name without the leading `--`: `from`, `mount`, `platform`.
        public var name: String
        /// The text after the first `=`; nil for a bare flag such as `--link`.
        public var value: String?
        /// 1-based line the flag starts on.
        public var line: Int
        /// Where the value's characters are in the file (for rewriting it in place).
        var valueText: TracedText?

        init(name: String, value: String?, line: Int, valueText: TracedText?) {
            self.name = name
            self.value = value
            self.line = line
            self.valueText = valueText
        }
    }
}
