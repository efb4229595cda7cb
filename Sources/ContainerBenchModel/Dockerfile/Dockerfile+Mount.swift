import Foundation

extension Dockerfile {
    /// One `RUN --mount=...` (comma-separated `key=value` fields, as BuildKit reads them with CSV rules).
    public struct Mount: Sendable, Equatable {
        /// The fields in order, keys lower-cased; a field without `=` (`ro`) has an empty value.
        public var fields: [(key: String, value: String)]
        /// 1-based line of the `--mount` flag.
        public var line: Int
        /// Where the `from=` value's characters are in the file.
        var fromText: TracedText?

        /// `bind` (the default), `cache`, `tmpfs`, `secret` or `ssh`.
        public var type: String { value(of: "type")?.lowercased() ?? "bind" }
        /// The stage, stage index or image the mount reads from.
        public var from: String? { value(of: "from") }
        /// `source` or `src`.
        public var source: String? { value(of: "source") ?? value(of: "src") }
        /// `target`, `dst` or `destination`.
        public var target: String? { value(of: "target") ?? value(of: "dst") ?? value(of: "destination") }
        /// The cache or secret id.
        public var id: String? { value(of: "id") }

        /// The last value given for `key`.
        public func value(of key: String) -> String? {
            fields.last { $0.key == key }?.value
        }

        /// Same fields in the same order, at the same place.
        public static func == (lhs: Mount, rhs: Mount) -> Bool {
            lhs.line == rhs.line && lhs.fromText == rhs.fromText
                && lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
        }

        init(fields: [(key: String, value: String)], line: Int, fromText: TracedText?) {
            self.fields = fields
            self.line = line
            self.fromText = fromText
        }
    }
}
