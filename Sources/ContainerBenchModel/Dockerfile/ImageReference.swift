import Foundation

/// An external image a Dockerfile names, after ARG expansion, with the place that names it: what the build must
/// pull (or find locally, or have mapped to a stand-in).
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// Where in the Dockerfile the image is named.
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// `FROM image`.
        case from
        /// `COPY --from=image`.
        case copyFrom = "copy-from"
        /// `RUN --mount=...,from=image`.
        case mountFrom = "mount-from"

        /// How the Dockerfile writes it, for messages.
        public var instruction: String {
            switch self {
            case .from: return "FROM"
            case .copyFrom: return "COPY --from"
            case .mountFrom: return "RUN --mount from"
            }
        }
    }

    /// The reference as resolved, quotes removed and variables expanded: `python:3.12-slim`.
    public var name: String
    /// `name` parsed and normalised.
    public var image: ImageName
    /// The reference as written in the file: `${PYTHON_IMAGE}`, `python:${PYTHON_VERSION}-slim`.
    public var written: String
    /// Which instruction names it.
    public var kind: Kind
    /// The Dockerfile.
    public var file: String
    /// 1-based line where the reference is written.
    public var line: Int
    /// Index of the stage whose instruction names it.
    public var stage: Int
    /// Where the written reference is in the file.
    var site: Range<Int>

    /// `Dockerfile:3: FROM python:3.12-slim`.
    public var description: String { "\(file):\(line): \(kind.instruction) \(name)" }

    /// The error to show before any build when this image is neither present nor pullable nor mapped.
    /// - Parameter flag: The option that maps a base image, named in the advice.
    public func unavailableError(flag: String = "--base-image") -> DockerfileError {
        DockerfileError(
            .unmappedBaseImage, file: file, line: line,
            message: "\(kind.instruction) \(name): the image is not present locally and cannot be pulled; map it to a "
                + "local stand-in with \(flag) \(name)=LOCAL-IMAGE (or a --base-images file), or make it with "
                + "`containerbench bootstrap`")
    }
}
