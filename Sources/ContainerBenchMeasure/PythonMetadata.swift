import Foundation

/// The text formats Python installers leave next to what they install: the core metadata (`METADATA` of a
/// `.dist-info`, `PKG-INFO` of an `.egg-info`, RFC 822 style headers) and `RECORD` (CSV of path, hash, size).
/// Read leniently: a field or row that cannot be parsed is skipped, never fatal, since an image's records are the
/// input and one odd file should not cost the whole inventory.
public enum PythonMetadata {
    /// One row of a RECORD file.
    public struct RecordRow: Sendable, Equatable {
        /// The path as written: relative to the `site-packages` folder (may climb out with `../`), or absolute.
        public var path: String
        /// The size column; nil when empty (`.pyc` files and RECORD itself have none).
        public var size: Int64?

        /// A row; see the properties.
        public init(path: String, size: Int64?) {
            self.path = path
            self.size = size
        }
    }

    /// The header fields of core metadata, up to the first blank line (the body is the description). Repeated
    /// fields keep their first value; continuation lines (leading white space) are ignored.
    public static func headers(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = value }
        }
        return fields
    }

    /// The name and version of a `NAME-VERSION.dist-info` or `.egg-info` folder name, for a distribution whose
    /// metadata file lacks them; nil when the name has no `-`.
    public static func nameAndVersion(folder: String) -> (name: String, version: String)? {
        var base = Substring(folder)
        for suffix in [".dist-info", ".egg-info"] where base.hasSuffix(suffix) { base = base.dropLast(suffix.count) }
        guard let dash = base.firstIndex(of: "-") else { return nil }
        var version = base[base.index(after: dash)...]
        // egg-info names may carry a Python tag: `foo-1.0-py3.11.egg-info`.
        if let tag = version.range(of: "-py") { version = version[..<tag.lowerBound] }
        return (String(base[..<dash]), String(version))
    }

    /// The rows of a RECORD file (CSV as Python's csv module writes it: fields quoted with `"` when they hold a
    /// comma or a quote, quotes doubled).
    public static func record(_ text: String) -> [RecordRow] {
        var rows: [RecordRow] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = csvFields(line)
            guard let path = fields.first, !path.isEmpty else { continue }
            let size = fields.count >= 3 ? Int64(fields[2].trimmingCharacters(in: .whitespaces)) : nil
            rows.append(RecordRow(path: path, size: size))
        }
        return rows
    }

    /// The fields of one CSV line.
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
            index = line.index(after: index)
        }
        fields.append(field)
        return fields
    }
}
