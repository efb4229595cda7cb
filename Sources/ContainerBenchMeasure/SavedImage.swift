import Foundation

/// A `docker save` archive on disk, indexed once: the outer tar and each layer tar the manifest lists, oldest
/// first. The compressed-size meter and the inventory reader both work from one index of one save.
struct SavedImage {
    /// One layer: where its tar lies in the archive, and its own index.
    struct Layer {
        var entry: ImageArchive.Entry
        var contents: ImageArchive
    }

    let url: URL
    let archive: ImageArchive
    /// Layers, oldest first.
    let layers: [Layer]

    /// Indexes the archive at `url` (tar headers only; no file content is read).
    /// - Throws: `MeasureError` when it is not a readable `docker save` archive.
    init(url: URL) throws(MeasureError) {
        self.url = url
        archive = try ImageArchive(url: url)
        layers = try archive.layerEntries().map { (entry: ImageArchive.Entry) throws(MeasureError) -> Layer in
            Layer(
                entry: entry,
                contents: try ImageArchive(url: url, start: entry.offset, end: entry.offset + UInt64(entry.size)))
        }
    }
}
