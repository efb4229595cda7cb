/// Bytes an image carries but never shows, in the manner of dive: files that a later layer overwrites or deletes
/// (whiteouts `.wh.NAME`, opaque directories `.wh..wh..opq`) still weigh in the earlier layer.
public struct LayerWaste: Sendable, Equatable {
    /// Bytes of file versions hidden by a later layer.
    public var wastedBytes: Int64
    /// Bytes of every file version in every layer.
    public var totalBytes: Int64

    /// Makes a figure from its two counts.
    public init(wastedBytes: Int64, totalBytes: Int64) {
        self.wastedBytes = wastedBytes
        self.totalBytes = totalBytes
    }

    /// 1 − wasted / total: 1 when no layer hides anything.
    public var efficiency: Double { totalBytes > 0 ? 1 - Double(wastedBytes) / Double(totalBytes) : 1 }

    /// Computes the waste of `layers` (oldest first), each a list of (path, size) of regular files and whiteouts.
    public static func measure(layers: [[(path: String, size: Int64)]]) -> LayerWaste {
        var visible: [String: Int64] = [:]
        var wasted: Int64 = 0
        var total: Int64 = 0
        func hide(_ prefix: String, includingSelf: Bool) {
            for (path, size) in visible where (includingSelf && path == prefix) || path.hasPrefix(prefix + "/") {
                wasted += size
                visible[path] = nil
            }
        }
        for layer in layers {
            for (rawPath, size) in layer {
                let path = normalize(rawPath)
                let slash = path.lastIndex(of: "/")
                let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
                let parent = slash.map { String(path[..<$0]) } ?? ""
                if base == ".wh..wh..opq" {
                    hide(parent, includingSelf: false)
                } else if base.hasPrefix(".wh.") {
                    let target = (parent.isEmpty ? "" : parent + "/") + base.dropFirst(4)
                    hide(target, includingSelf: true)
                } else {
                    total += size
                    if let old = visible[path] { wasted += old }
                    visible[path] = size
                }
            }
        }
        return LayerWaste(wastedBytes: wasted, totalBytes: total)
    }

    /// `./a/b` and `a/b` are the same file.
    static func normalize(_ path: String) -> String {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
