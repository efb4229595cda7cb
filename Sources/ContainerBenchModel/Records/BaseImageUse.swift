import Foundation

/// Which image a base reference of a Dockerfile was built from: the original, or a local stand-in of it.
public struct BaseImageUse: Sendable, Codable, Equatable, Hashable {
    /// The reference as the Dockerfile names it (`python:3.12-slim-bookworm`).
    public var reference: String
    /// The image used: `reference` itself, or the stand-in's name.
    public var image: String
    /// The id of the image used.
    public var imageID: String
    /// Whether `image` is a local stand-in for `reference`.
    public var standIn: Bool

    /// A use; see the properties.
    public init(reference: String, image: String, imageID: String, standIn: Bool) {
        self.reference = reference
        self.image = image
        self.imageID = imageID
        self.standIn = standIn
    }
}
