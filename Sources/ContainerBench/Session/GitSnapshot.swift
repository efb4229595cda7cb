import ContainerBenchSupport
import Foundation

/// A git ref's tree extracted into a folder with `git archive` (argument arrays, no shell), so that one Dockerfile
/// can be built as it was at two refs.
public struct GitSnapshot: Sendable, Equatable {
    /// The ref as given ("main", "HEAD", a commit).
    public var ref: String
    /// The commit the ref resolved to.
    public var commit: String
    /// The folder holding the ref's tree (the repository root as of that commit).
    public var root: URL

    /// Extracts `ref` of the repository holding `path` into `directory/<name>`.
    /// - Parameters:
    ///   - path: any file or folder inside the work tree (the Dockerfile).
    ///   - directory: where the snapshot folder is made; the caller removes it.
    ///   - name: the snapshot folder's name ("a", "b").
    /// - Returns: the snapshot, and the repository's root in the work tree (to map work-tree paths into it).
    /// - Throws: `ABError` when git is missing, the path is not in a repository, or the ref does not resolve.
    public static func extract(ref: String, repositoryOf path: String, into directory: URL, name: String)
        async throws -> (snapshot: GitSnapshot, workTreeRoot: String)
    {
        guard let git = ProcessRunner.which("git") else {
            throw ABError("git is not installed: --ref needs git (apt-get install git)")
        }
        var folder = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            folder = folder.deletingLastPathComponent()
        }
        let top = try await ProcessRunner.run(git, ["-C", folder.path, "rev-parse", "--show-toplevel"])
        guard top.succeeded else {
            throw ABError("\(path) is not inside a git repository (\(top.error.trimmed)): --ref needs one")
        }
        let root = top.output.trimmed
        // `--end-of-options` keeps a ref that starts with '-' from being read as a flag.
        let resolved = try await ProcessRunner.run(
            git, ["-C", root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"])
        guard resolved.succeeded, !resolved.output.trimmed.isEmpty else {
            throw ABError("git ref '\(ref)' does not name a commit in \(root): check `git -C \(root) log --oneline`")
        }
        let commit = resolved.output.trimmed
        let target = directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: target)
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        } catch {
            throw ABError("cannot create the folder \(target.path) for ref '\(ref)': \(error)")
        }
        let archive = directory.appendingPathComponent("\(name).tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        let written = try await ProcessRunner.run(
            git, ["-C", root, "archive", "--format=tar", "--output=\(archive.path)", commit])
        guard written.succeeded else {
            throw ABError("git archive of '\(ref)' (\(commit.prefix(12))) failed: \(written.error.trimmed)")
        }
        guard let tar = ProcessRunner.which("tar") else { throw ABError("tar is not installed: --ref needs it") }
        let unpacked = try await ProcessRunner.run(tar, ["-x", "-f", archive.path, "-C", target.path])
        guard unpacked.succeeded else {
            throw ABError("cannot unpack the archive of '\(ref)' into \(target.path): \(unpacked.error.trimmed)")
        }
        return (GitSnapshot(ref: ref, commit: commit, root: target), root)
    }

    /// Where `path` (a path in the work tree under `workTreeRoot`) lies inside this snapshot.
    /// - Throws: `ABError` when `path` is outside the repository.
    public func locate(_ path: String, workTreeRoot: String) throws -> URL {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let rootPath = URL(fileURLWithPath: workTreeRoot).standardizedFileURL.resolvingSymlinksInPath().path
        guard absolute == rootPath || absolute.hasPrefix(rootPath + "/") else {
            throw ABError("\(path) is outside the git repository \(workTreeRoot): --ref builds only files in it")
        }
        let relative = String(absolute.dropFirst(rootPath.count)).drop(while: { $0 == "/" })
        return relative.isEmpty ? root : root.appendingPathComponent(String(relative))
    }
}

extension String {
    /// Without leading and trailing white space and newlines.
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
