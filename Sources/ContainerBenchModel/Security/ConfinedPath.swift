import Foundation

/// A path a suite names, resolved inside the folder it must stay in (docs/security.md, "Suites confined").
///
/// A suite file may come from someone else: its `scenarios.code_change` files are appended to and its
/// `scenarios.deps_change` files read and written in a copy of the build context. A relative path with `..`, an
/// absolute path, or a symlink in the context that leads out would read or write a file of the host instead. Both
/// are refused: the lexical path must stay inside the root, and so must the path with every symlink resolved.
public enum ConfinedPath {
    /// Why a path was refused.
    public struct Escape: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var root: String
        public var reason: String
        public var description: String { "\(path) \(reason) (it must stay inside \(root))" }
    }

    /// `relative` resolved inside `root`: the absolute path, symlinks of `root` itself resolved.
    /// - Parameter mustExist: whether the resolved path must name an existing file (else it may be created; its
    ///   folder is then checked).
    /// - Throws: `Escape` when `relative` is empty, absolute, leaves `root` through `..`, or a symlink on the way
    ///   (or the file itself) leads out of `root`.
    public static func resolve(_ relative: String, inside root: String, mustExist: Bool = true) throws(Escape)
        -> String
    {
        func refuse(_ reason: String) -> Escape { Escape(path: relative, root: root, reason: reason) }
        guard !relative.isEmpty else { throw refuse("is empty") }
        guard !relative.hasPrefix("/") else { throw refuse("is absolute: give a path relative to the context") }
        guard !relative.utf8.contains(0) else { throw refuse("contains a NUL byte") }
        let realRoot = realPath(root) ?? URL(fileURLWithPath: root).standardizedFileURL.path
        var depth = 0
        for component in relative.split(separator: "/") where component != "." {
            if component == ".." {
                depth -= 1
                guard depth >= 0 else { throw refuse("leaves the folder through '..'") }
            } else {
                depth += 1
            }
        }
        let joined = URL(fileURLWithPath: realRoot).appendingPathComponent(relative).standardizedFileURL.path
        // Every symlink resolved: the file when it exists, else its folder.
        let resolved: String
        if let real = realPath(joined) {
            resolved = real
        } else if mustExist {
            throw refuse("does not exist")
        } else {
            // A symlink that leads nowhere (yet) would be followed by the write that creates its target.
            var info = stat()
            if lstat(joined, &info) == 0 {
                throw refuse("is a symlink that leads to no file (a write would create its target wherever it points)")
            }
            let folder = URL(fileURLWithPath: joined).deletingLastPathComponent().path
            guard let realFolder = realPath(folder) else { throw refuse("is in a folder that does not exist") }
            resolved = realFolder + "/" + URL(fileURLWithPath: joined).lastPathComponent
        }
        guard resolved == realRoot || resolved.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/") else {
            throw refuse("leads out of the folder through a symlink (to \(resolved))")
        }
        return resolved
    }

    /// `path` with every symlink resolved; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
