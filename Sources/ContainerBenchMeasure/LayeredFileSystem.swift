import Foundation

/// An image's files as a container from it would see them: the layer tars of a saved image applied oldest first,
/// the way overlayfs stacks them. A whiteout `.wh.NAME` in a layer deletes NAME (and all below it) of the layers
/// under it; an opaque marker `.wh..wh..opq` hides everything the lower layers had in its folder. Whiteouts apply
/// to the lower layers only, before the layer's own files are laid on top, whatever their order in the tar.
///
/// Paths are absolute (`/usr/lib/...`). Hard links become the file they link to (tar links to an earlier entry
/// of the same layer); symbolic links are kept as links and followed on lookup.
struct LayeredFileSystem {
    /// Where the file contents are (the saved archive; entries carry absolute offsets into it).
    let url: URL
    /// Regular files by absolute path.
    private(set) var files: [String: ImageArchive.Entry] = [:]
    /// Symbolic links by absolute path: their targets as written.
    private(set) var symlinks: [String: String] = [:]

    /// The merged view of `layers` (oldest first), all stored in `url`.
    init(url: URL, layers: [ImageArchive]) {
        self.url = url
        for layer in layers { apply(layer) }
    }

    /// The merged view of a saved image.
    init(_ saved: SavedImage) {
        self.init(url: saved.url, layers: saved.layers.map(\.contents))
    }

    private mutating func apply(_ layer: ImageArchive) {
        var deleted = Set<String>()
        var opaque = Set<String>()
        var added: [String: ImageArchive.Entry] = [:]
        for entry in layer.entries {
            let path = Self.absolute(entry.name)
            let (parent, base) = Self.split(path)
            if base == ".wh..wh..opq" {
                opaque.insert(parent)
            } else if base.hasPrefix(".wh.") {
                deleted.insert(Self.join(parent, String(base.dropFirst(4))))
            } else {
                added[path] = entry
            }
        }
        if !deleted.isEmpty || !opaque.isEmpty {
            func hidden(_ path: String) -> Bool {
                if deleted.contains(path) { return true }
                var ancestor = Substring(path)
                while let slash = ancestor.lastIndex(of: "/") {
                    ancestor = ancestor[..<slash]
                    let folder = ancestor.isEmpty ? "/" : String(ancestor)
                    if deleted.contains(folder) || opaque.contains(folder) { return true }
                    if ancestor.isEmpty { break }
                }
                return false
            }
            files = files.filter { !hidden($0.key) }
            symlinks = symlinks.filter { !hidden($0.key) }
        }
        for (path, entry) in added {
            files[path] = entry
            symlinks[path] = nil
        }
        for link in layer.links {
            let path = Self.absolute(link.name)
            if link.isHard {
                // The target is an earlier entry of this layer (or, rarely, a file of a lower one).
                let target = Self.absolute(link.target)
                if let entry = added[target] ?? files[target] {
                    files[path] = entry
                    symlinks[path] = nil
                }
            } else {
                symlinks[path] = link.target
                files[path] = nil
            }
        }
    }

    /// The regular file at `path`, following symbolic links in any of its components (at most 16 of them).
    func file(at path: String) -> ImageArchive.Entry? {
        if let entry = files[path] { return entry }
        guard let resolved = resolve(path) else { return nil }
        return files[resolved]
    }

    /// The size of the regular file at `path`, nil when there is none.
    func size(of path: String) -> Int64? { file(at: path)?.size }

    /// The contents of the regular file at `path` (whole: only for the small files the inventory reads), nil when
    /// there is none.
    /// - Throws: `MeasureError` when the archive cannot be read.
    func read(_ path: String) throws(MeasureError) -> Data? {
        guard let entry = file(at: path) else { return nil }
        return try ImageArchive.read(entry, from: url)
    }

    /// `path` with every symbolic link in it replaced by its target; nil when a link loop or more than 16 links
    /// stand in the way.
    func resolve(_ path: String) -> String? {
        var pending = path.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            if let target = symlinks[candidate] {
                hops += 1
                if hops > 16 { return nil }
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
            } else {
                resolved.append(component)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// `name` of a tar entry as an absolute, normalised path: `./usr/lib/` → `/usr/lib`.
    static func absolute(_ name: String) -> String {
        normalize("/" + name)
    }

    /// An absolute path with `.`, `..`, repeated and trailing slashes resolved (without following links).
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/") {
            if component == "." { continue }
            if component == ".." {
                _ = components.popLast()
                continue
            }
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }

    /// The folder and the last component of an absolute path (`/` and `a` for `/a`).
    static func split(_ path: String) -> (parent: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("/", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }

    /// `folder/name`, without a doubled slash at the root.
    static func join(_ folder: String, _ name: String) -> String {
        folder == "/" ? "/" + name : folder + "/" + name
    }
}
