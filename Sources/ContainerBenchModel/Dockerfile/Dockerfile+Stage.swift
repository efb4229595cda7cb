import Foundation

extension Dockerfile {
    /// A build stage: one FROM and the instructions up to the next.
    public struct Stage: Sendable, Equatable {
        /// 0-based, as `COPY --from=0` counts.
        public var index: Int
        /// The `AS` name as written, or nil. BuildKit matches stage names without regard to case.
        public var name: String?
        /// The base as written in FROM: `python:3.12-slim`, `${PYTHON_IMAGE}`, `builder`, `scratch`.
        public var base: String
        /// `--platform` as written, or nil.
        public var platform: String?
        /// The FROM instruction.
        public var from: Instruction
        /// The instructions after FROM, up to the next FROM.
        public var instructions: [Instruction]

        /// 1-based line of the FROM.
        public var line: Int { from.startLine }

        /// Whether `reference` names this stage (`builder`, `Builder`).
        public func isNamed(_ reference: String) -> Bool {
            guard let name else { return false }
            return name.lowercased() == reference.lowercased()
        }

        /// Where the base word is in the file (for rewriting it in place).
        var baseText: TracedText
    }
}
