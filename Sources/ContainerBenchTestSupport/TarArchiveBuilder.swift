import Foundation

/// Writes tar archives in memory, for tests of what reads them: ustar headers, PAX `path=` records for names over
/// 100 bytes, GNU `K` records for long link targets, and `docker save` archives (legacy layout: `manifest.json`
/// and one `ID/layer.tar` per layer) made of such tars.
public enum TarArchiveBuilder {
    /// One entry of a tar.
    public enum Entry: Sendable {
        /// A regular file.
        case file(String, Data)
        /// A folder.
        case directory(String)
        /// A symbolic link to `target`.
        case symlink(String, target: String)
        /// A hard link to an earlier entry `target` of the same tar.
        case hardLink(String, target: String)

        /// A regular file of `text`.
        public static func text(_ path: String, _ text: String) -> Entry { .file(path, Data(text.utf8)) }

        /// A regular file of `count` bytes.
        public static func bytes(_ path: String, _ count: Int) -> Entry {
            .file(path, Data(repeating: 0x61, count: count))
        }

        /// A whiteout: `path` is deleted from the layers below.
        public static func whiteout(_ path: String) -> Entry {
            let url = URL(fileURLWithPath: "/" + path)
            let folder = url.deletingLastPathComponent().path.dropFirst()
            return .file((folder.isEmpty ? "" : folder + "/") + ".wh." + url.lastPathComponent, Data())
        }

        /// An opaque marker: what the layers below have in `folder` is hidden.
        public static func opaque(_ folder: String) -> Entry { .file(folder + "/.wh..wh..opq", Data()) }
    }

    /// A tar of `entries`, in order, with the two zero blocks that end it.
    public static func tar(_ entries: [Entry]) -> Data {
        var out = Data()
        for entry in entries {
            switch entry {
            case .file(let name, let data):
                append(name: name, type: "0", size: data.count, to: &out)
                out.append(data)
                pad(&out)
            case .directory(let name):
                append(name: name.hasSuffix("/") ? name : name + "/", type: "5", size: 0, to: &out)
            case .symlink(let name, let target):
                append(name: name, type: "2", size: 0, link: target, to: &out)
            case .hardLink(let name, let target):
                append(name: name, type: "1", size: 0, link: target, to: &out)
            }
        }
        out.append(Data(count: 1024))
        return out
    }

    /// A `docker save` archive of `layers` (oldest first), each a tar of its entries.
    public static func savedImage(layers: [[Entry]]) -> Data {
        let names = layers.indices.map { String(format: "%064x", $0 + 1) + "/layer.tar" }
        let list = names.map { "\"\($0)\"" }.joined(separator: ",")
        let manifest = #"[{"Config":"config.json","RepoTags":["test:latest"],"Layers":["# + list + "]}]"
        var entries: [Entry] = [.text("manifest.json", manifest), .text("config.json", "{}")]
        for (name, layer) in zip(names, layers) {
            entries.append(.directory(String(name.dropLast("/layer.tar".count))))
            entries.append(.file(name, tar(layer)))
        }
        return tar(entries)
    }

    private static func append(name: String, type: Character, size: Int, link: String = "", to out: inout Data) {
        var shortName = name
        if name.utf8.count > 100 {
            // A PAX extended header carries the long path; the ustar field keeps a cut copy.
            var record = " path=\(name)\n"
            var length = record.utf8.count + 2
            while "\(length)".utf8.count + record.utf8.count != length {
                length = "\(length)".utf8.count + record.utf8.count
            }
            record = "\(length)" + record
            out.append(header(name: "PaxHeader", type: "x", size: record.utf8.count))
            out.append(Data(record.utf8))
            pad(&out)
            shortName = String(name.suffix(99))
        }
        var shortLink = link
        if link.utf8.count > 100 {
            let data = Data(link.utf8) + Data([0])
            out.append(header(name: "././@LongLink", type: "K", size: data.count))
            out.append(data)
            pad(&out)
            shortLink = String(link.prefix(99))
        }
        out.append(header(name: shortName, type: type, size: size, link: shortLink))
    }

    private static func header(name: String, type: Character, size: Int, link: String = "") -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(type == "5" ? 0o755 : 0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(1_795_915_800, at: 136, width: 12)
        put("        ", at: 148, width: 8)
        block[156] = type.asciiValue ?? UInt8(ascii: "0")
        put(link, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }

    private static func pad(_ out: inout Data) {
        let remainder = out.count % 512
        if remainder != 0 { out.append(Data(count: 512 - remainder)) }
    }
}
