import Foundation

/// A Dockerfile's text as Unicode scalars with its line starts, so that every token the parser reads can be traced
/// back to the exact place it came from and a rewrite can replace that place and nothing else.
struct SourceText: Sendable, Equatable {
    /// The whole file, byte-for-byte (a BOM and `\r\n` line ends included).
    let scalars: [Unicode.Scalar]
    /// Offset of the first scalar of each line; a final line without `\n` counts, an empty tail after the last
    /// `\n` does not (as Go's line scanner sees a file).
    let lineStarts: [Int]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var starts: [Int] = []
        var start = 0
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(start)
            start = offset + 1
        }
        if start < scalars.count { starts.append(start) }
        lineStarts = starts
    }

    var lineCount: Int { lineStarts.count }

    /// The scalars of line `index` (0-based) including its line terminator.
    func fullLine(_ index: Int) -> Range<Int> {
        let end = index + 1 < lineStarts.count ? lineStarts[index + 1] : scalars.count
        return lineStarts[index]..<end
    }

    /// The scalars of line `index` (0-based) without trailing `\r` and `\n` (Go's `bytes.TrimRight(line, "\r\n")`).
    func content(_ index: Int) -> Range<Int> {
        let range = fullLine(index)
        var end = range.upperBound
        while end > range.lowerBound, scalars[end - 1] == "\n" || scalars[end - 1] == "\r" { end -= 1 }
        return range.lowerBound..<end
    }

    /// The 1-based line that holds `offset`.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}

/// Text assembled from pieces of a `SourceText` (a logical line joined over continuations, a flag with its quotes
/// removed), each scalar remembering the offset it came from.
struct TracedText: Sendable, Equatable {
    var scalars: [Unicode.Scalar] = []
    var origins: [Int] = []

    init() {}

    init(_ source: SourceText, _ range: Range<Int>) {
        scalars = Array(source.scalars[range])
        origins = Array(range)
    }

    var isEmpty: Bool { scalars.isEmpty }
    var count: Int { scalars.count }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    mutating func append(_ scalar: Unicode.Scalar, origin: Int) {
        scalars.append(scalar)
        origins.append(origin)
    }

    mutating func append(_ other: TracedText) {
        scalars += other.scalars
        origins += other.origins
    }

    subscript(range: Range<Int>) -> TracedText {
        var piece = TracedText()
        piece.scalars = Array(scalars[range])
        piece.origins = Array(origins[range])
        return piece
    }

    /// The source range from the first to the last scalar (inclusive), or nil when empty.
    var site: Range<Int>? {
        guard let first = origins.first, let last = origins.last, first <= last else { return nil }
        return first..<(last + 1)
    }

    /// Leading and trailing white space removed (Go's `strings.TrimSpace`).
    func trimmed() -> TracedText {
        var start = 0
        var end = scalars.count
        while start < end, scalars[start].isDockerSpace { start += 1 }
        while end > start, scalars[end - 1].isDockerSpace { end -= 1 }
        return self[start..<end]
    }

    /// Splits on runs of `[\t\v\f\r ]` (BuildKit's `reWhitespace`), dropping empty pieces.
    func whitespaceFields() -> [TracedText] {
        var fields: [TracedText] = []
        var current = TracedText()
        for (scalar, origin) in zip(scalars, origins) {
            if scalar.isFieldSeparator {
                if !current.isEmpty { fields.append(current) }
                current = TracedText()
            } else {
                current.append(scalar, origin: origin)
            }
        }
        if !current.isEmpty { fields.append(current) }
        return fields
    }
}

extension Unicode.Scalar {
    /// Go's `unicode.IsSpace`.
    var isDockerSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
        default: return properties.isWhitespace
        }
    }

    /// BuildKit's `[\t\v\f\r ]` between words of FROM, COPY and the keyword.
    var isFieldSeparator: Bool {
        self == " " || self == "\t" || self == "\u{0B}" || self == "\u{0C}" || self == "\r"
    }
}
