import Foundation

extension Dockerfile {
    /// One base image replaced by `rewrite(map:buildArgs:)`.
    public struct Replacement: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line of the replaced text.
        public var line: Int
        /// Where the image was named (FROM, COPY --from, --mount from).
        public var kind: ImageReference.Kind
        /// The image as resolved: `python:3.12-slim`.
        public var original: String
        /// What the file names instead: `containerbench/python:3.11-bookworm`.
        public var replacement: String
        /// The text that was replaced: `${PYTHON_IMAGE}`.
        public var written: String

        /// A replacement made at `line`.
        public init(line: Int, kind: ImageReference.Kind, original: String, replacement: String, written: String) {
            self.line = line
            self.kind = kind
            self.original = original
            self.replacement = replacement
            self.written = written
        }

        /// `line 3: FROM python:3.12-slim → local/python:3.12`.
        public var description: String { "line \(line): \(kind.instruction) \(original) → \(replacement)" }
    }

    /// A copy of the Dockerfile in which every external image found in `map` is named by its stand-in at the place
    /// it is written; everything else (comments, continuations, heredocs, other flags, line ends) is kept
    /// byte for byte. A FROM that gets its image from `${PYTHON_IMAGE}` gets the stand-in's literal name.
    ///
    /// Every stage is rewritten, needed by the target or not. A key matches a reference when it is the same text
    /// as the resolved reference or the same image once normalised (`python:3.12-slim` and
    /// `docker.io/library/python:3.12-slim`).
    /// - Parameters:
    ///   - map: Resolved reference → local image.
    ///   - buildArgs: The build's `--build-arg` values, which decide what `$VAR` references resolve to.
    /// - Returns: The new text and the replacements in file order (empty when nothing matched: the text is then
    ///   the original).
    /// - Throws: `DockerfileError` as `resolve`, and `.invalidImageReference` when a stand-in the map gives for an
    ///   image of this file is not a valid image name.
    public func rewrite(map: [String: String], buildArgs: [String: String] = [:]) throws -> (
        text: String, replacements: [Replacement]
    ) {
        let references = try resolve(buildArgs: buildArgs).references
        let normalized = Dictionary(
            map.compactMap { key, value in ImageName(key).map { ($0, value) } }, uniquingKeysWith: { first, _ in first }
        )
        var replacements: [(site: Range<Int>, replacement: Replacement)] = []
        for reference in references {
            guard let local = map[reference.name] ?? normalized[reference.image] else { continue }
            guard ImageName(local) != nil else {
                throw DockerfileError(
                    .invalidImageReference, file: file, line: reference.line,
                    message: "the base-image map gives '\(local)' for \(reference.name), which is not a valid image "
                        + "name: \(ImageName.problem(local) ?? "")")
            }
            replacements.append(
                (
                    reference.site,
                    Replacement(
                        line: reference.line, kind: reference.kind, original: reference.name, replacement: local,
                        written: source.string(reference.site))
                ))
        }
        guard !replacements.isEmpty else { return (text, []) }
        var output = String.UnicodeScalarView()
        var position = 0
        for (site, replacement) in replacements {
            output.append(contentsOf: source.scalars[position..<site.lowerBound])
            output.append(contentsOf: replacement.replacement.unicodeScalars)
            position = site.upperBound
        }
        output.append(contentsOf: source.scalars[position...])
        return (String(output), replacements.map(\.replacement))
    }
}
