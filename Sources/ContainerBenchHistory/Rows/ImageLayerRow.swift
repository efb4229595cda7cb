import Foundation

/// `image_layers`: One layer of an image.
struct ImageLayerRow: HistoryTableRow {
    static let table = "image_layers"

    /// The image's row id.
    var imageID: Int64
    var position: Int
    var createdBy: String
    var bytes: Int64
}
