import Foundation

extension Dockerfile {
    /// One instruction: its keyword, flags and arguments after continuations are joined, the heredocs that follow
    /// it, and where it is in the file.
    public struct Instruction: Sendable, Equatable {
        /// Upper-cased: `FROM`, `RUN`, `COPY`.
        public var keyword: String
        /// The builder flags in order (`--mount` may repeat).
        public var flags: [Flag]
        /// Everything after the flags, over all continuation lines (escape, line end and comment lines removed).
        public var arguments: String
        /// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD: exec (JSON) or shell form; nil for other keywords.
        public var command: CommandForm?
        /// ARG, ENV and LABEL: the names and values as written (quotes kept; expansion happens when resolved).
        public var assignments: [Assignment]
        /// Here-documents of RUN, COPY and ADD, in order.
        public var heredocs: [Heredoc]
        /// `RUN --mount=...` flags, parsed.
        public var mounts: [Mount]
        /// HEALTHCHECK only.
        public var healthcheck: Healthcheck?
        /// The instruction's lines exactly as in the file (continuations, comments inside and heredocs included,
        /// without the final line end).
        public var raw: String
        /// 1-based first line.
        public var startLine: Int
        /// 1-based last line (the last heredoc delimiter, when there are heredocs).
        public var endLine: Int
        /// The arguments with the file offset of each character.
        var argumentText: TracedText

        /// The last flag named `name` (`from`, `platform`, `chown`).
        public func flag(_ name: String) -> Flag? {
            flags.last { $0.name == name }
        }

        /// Every flag named `name`, in order.
        public func flags(named name: String) -> [Flag] {
            flags.filter { $0.name == name }
        }

        /// The arguments split on white space (COPY sources and destination, EXPOSE ports, FROM words).
        public var words: [String] {
            argumentText.whitespaceFields().map(\.string)
        }

        /// The text a shell (or the program) runs: the command and the heredoc bodies, for matching what an
        /// instruction does (`pip install --no-cache-dir`, `uv sync --compile-bytecode`).
        public var commandText: String {
            ([command?.text ?? arguments] + heredocs.map(\.content)).joined(separator: "\n")
        }
    }
}
