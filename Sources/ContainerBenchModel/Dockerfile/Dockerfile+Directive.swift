import Foundation

extension Dockerfile {
    /// A parser directive (`# syntax=docker/dockerfile:1`, `# escape=``, `# check=skip=...`): only in the comment
    /// lines that come before anything else in the file.
    public struct Directive: Sendable, Equatable {
        /// Lower-cased: `syntax`, `escape` or `check`.
        public var name: String
        /// The value with surrounding white space removed.
        public var value: String
        /// 1-based.
        public var line: Int

        /// A directive found at `line`.
        public init(name: String, value: String, line: Int) {
            self.name = name
            self.value = value
            self.line = line
        }
    }
}
