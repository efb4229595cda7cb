import ContainerBenchEngine
import Foundation

/// A `docker save` archive (a tar), read in place: its entries and its manifest's layer list. Handles the
/// legacy layout (`<id>/layer.tar`, Docker ≤ 24) and the OCI layout (`blobs/sha256/<digest>`, Docker 25+), since
/// both list their layers in `manifest.json`.
struct ImageArchive {
    /// One file in the tar: where its bytes start and how many there are.
    struct Entry: Equatable {
        var name: String
        var offset: UInt64
        var size: Int64
    }

    /// A hard or symbolic link in the tar (an image's layer has both; the inventory resolves them).
    struct Link: Equatable {
        var name: String
        /// A hard link's target is another entry of the same tar; a symbolic link's is a path, maybe relative.
        var target: String
        var isHard: Bool
    }

    let url: URL
    /// Regular files, in archive order.
    let entries: [Entry]
    /// Hard and symbolic links, in archive order.
    let links: [Link]

    /// Indexes the archive at `url` (headers only; the file contents are not read), or the tar stored inside it at
    /// `start` (a layer of a saved image) up to `end`.
    /// - Throws: `MeasureError` when the file cannot be read or is not a tar.
    init(url: URL, start: UInt64 = 0, end: UInt64? = nil) throws(MeasureError) {
        self.url = url
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw MeasureError("cannot open the image archive \(url.path)")
        }
        defer { try? handle.close() }
        var entries: [Entry] = []
        var links: [Link] = []
        var offset: UInt64 = start
        var longName: String?
        var longLink: String?
        do { try handle.seek(toOffset: start) } catch {
            throw MeasureError("cannot seek in the image archive \(url.path) to byte \(start): \(error)")
        }
        while end.map({ offset + 512 <= $0 }) ?? true {
            guard let header = try? handle.read(upToCount: 512), header.count == 512 else {
                throw MeasureError(
                    "the image archive \(url.path) ends inside a tar header at byte \(offset): truncated?")
            }
            offset += 512
            let bytes = [UInt8](header)
            if bytes.allSatisfy({ $0 == 0 }) { break }
            // A size beyond what any file system holds (or beyond the enclosing layer) is a broken header, not a
            // reason to trap on arithmetic.
            guard let size = Self.number(bytes[124..<136]), size <= Self.largestEntry,
                end.map({ UInt64(size) <= $0 - min($0, offset) }) ?? true
            else {
                throw MeasureError("the image archive \(url.path) has an unreadable tar header at byte \(offset - 512)")
            }
            let type = bytes[156]
            var name = Self.text(bytes[0..<100])
            if bytes[257..<262].elementsEqual(Array("ustar".utf8)) {
                let prefix = Self.text(bytes[345..<500])
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            if let pending = longName {
                name = pending
                longName = nil
            }
            var linkTarget = Self.text(bytes[157..<257])
            if let pending = longLink {
                linkTarget = pending
                longLink = nil
            }
            let dataOffset = offset
            let padded = (UInt64(size) + 511) / 512 * 512
            switch type {
            case UInt8(ascii: "L"), UInt8(ascii: "x"):
                // GNU long name, or a PAX header that may carry `path=`: both name the next entry.
                // A name is at most a few KiB: a larger header record is not read whole.
                let data = (try? handle.read(upToCount: Int(min(size, 1 << 20)))) ?? Data()
                longName = type == UInt8(ascii: "L") ? Self.text(ArraySlice(data)) : Self.paxPath(data)
                if type == UInt8(ascii: "x") { longLink = Self.paxPath(data, key: "linkpath") }
            case UInt8(ascii: "K"):
                // GNU long link target of the next entry.
                let data = (try? handle.read(upToCount: Int(min(size, 1 << 20)))) ?? Data()
                longLink = Self.text(ArraySlice(data))
            case UInt8(ascii: "0"), 0:
                entries.append(Entry(name: name, offset: dataOffset, size: size))
            case UInt8(ascii: "1"), UInt8(ascii: "2"):
                links.append(Link(name: name, target: linkTarget, isHard: type == UInt8(ascii: "1")))
            default:
                break
            }
            offset = dataOffset + padded
            do { try handle.seek(toOffset: offset) } catch {
                throw MeasureError("cannot seek in the image archive \(url.path) to byte \(offset): \(error)")
            }
        }
        self.entries = entries
        self.links = links
    }

    /// The layer files `manifest.json` lists, in order (first image of the archive).
    /// - Throws: `MeasureError` when the manifest is missing or unreadable, or names a file not in the archive.
    func layerEntries() throws(MeasureError) -> [Entry] {
        guard let manifest = entries.first(where: { $0.name == "manifest.json" }) else {
            throw MeasureError("the image archive \(url.path) has no manifest.json: not a `docker save` archive")
        }
        let data = try read(manifest)
        struct Image: Decodable {
            var layers: [String]
            enum CodingKeys: String, CodingKey { case layers = "Layers" }
        }
        guard let images = try? JSONDecoder().decode([Image].self, from: data), let first = images.first else {
            throw MeasureError("the manifest.json of \(url.path) lists no image with Layers")
        }
        return try first.layers.map { (path: String) throws(MeasureError) -> Entry in
            guard let entry = entries.first(where: { $0.name == path }) else {
                throw MeasureError("manifest.json of \(url.path) names the layer \(path), which the archive lacks")
            }
            return entry
        }
    }

    /// Reads a (small) entry whole.
    func read(_ entry: Entry) throws(MeasureError) -> Data {
        try Self.read(entry, from: url)
    }

    /// Reads a (small) entry of the archive at `url` whole (entries of a layer carry offsets into the saved file).
    static func read(_ entry: Entry, from url: URL) throws(MeasureError) -> Data {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw MeasureError("cannot open the image archive \(url.path)")
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: entry.offset)
            return try handle.read(upToCount: Int(entry.size)) ?? Data()
        } catch {
            throw MeasureError("cannot read \(entry.name) from \(url.path): \(error)")
        }
    }

    /// Streams an entry's bytes to `body` in chunks of `chunkSize`.
    func stream(
        _ entry: Entry, chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws(MeasureError) -> Void
    ) throws(MeasureError) {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw MeasureError("cannot open the image archive \(url.path)")
        }
        defer { try? handle.close() }
        var remaining = entry.size
        do { try handle.seek(toOffset: entry.offset) } catch {
            throw MeasureError("cannot seek to \(entry.name) in \(url.path): \(error)")
        }
        while remaining > 0 {
            let count = Int(min(Int64(chunkSize), remaining))
            guard let chunk = try? handle.read(upToCount: count), !chunk.isEmpty else {
                throw MeasureError("\(url.path) ends inside \(entry.name) (\(remaining) bytes missing): truncated?")
            }
            remaining -= Int64(chunk.count)
            // withUnsafeBytes rethrows untyped errors: carry the typed one out by hand.
            var failure: MeasureError?
            chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                do throws(MeasureError) { try body(buffer) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// A NUL-terminated field as text.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// The largest entry size read (1 PiB): anything larger is a corrupt header.
    static let largestEntry: Int64 = 1 << 50

    /// A tar number field: octal text, or base-256 when the high bit of the first byte is set (sizes ≥ 8 GiB);
    /// nil for a negative value (base-256 with the sign bit, or a `-` in the text) or one that overflows.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            // Base-256: the sign bit (0x40 of the first byte) set means negative, which no size is.
            guard first & 0x40 == 0 else { return nil }
            var value = Int64(first & 0x3f)
            for byte in bytes.dropFirst() {
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
                guard !overflow else { return nil }
                value = shifted | Int64(byte)
            }
            return value
        }
        let digits = text(bytes).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        if digits.isEmpty { return 0 }
        guard digits.allSatisfy({ ("0"..."7").contains($0) }) else { return nil }
        return Int64(digits, radix: 8)
    }

    /// The `path=` (or another `key=`) record of a PAX extended header, if any.
    static func paxPath(_ data: Data, key: String = "path") -> String? {
        for record in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let field = record[record.index(after: space)...]
            if field.hasPrefix(key + "=") { return String(field.dropFirst(key.count + 1)) }
        }
        return nil
    }
}
