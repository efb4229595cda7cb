import Foundation

/// Points a build context's lock files at a `LocalPackageIndex` without touching the Dockerfile or the installer
/// commands: the copy's `uv.lock` becomes a mirror (same versions and sha256 hashes, PyPI's hosts replaced by the
/// local one) and its `pyproject.toml` names the local index as the default, which `uv sync --locked` accepts;
/// its `requirements.txt` starts with `--index-url`, which pip reads from requirement files (hashes still enforced).
///
/// Why not environment variables: with `UV_DEFAULT_INDEX` uv refuses the lock (`--locked`: "needs to be updated"),
/// and with `UV_FIND_LINKS` or `--frozen` it still downloads from the URLs recorded in the lock (verified with
/// uv 0.13.9; see docs/measurement.md).
public enum LocalIndexContext {
    /// The hosts a PyPI lock names.
    static let pypiIndex = "https://pypi.org/simple"
    static let pypiFiles = "https://files.pythonhosted.org/"

    /// Rewrites the lock files found in `context` (a temporary copy) for the index at `baseURL`
    /// (`http://127.0.0.1:PORT`).
    /// - Returns: the files rewritten, relative to the context.
    /// - Throws: `BuildError` when a file cannot be read or written.
    @discardableResult
    public static func rewrite(context: URL, baseURL: String) throws -> [String] {
        var rewritten: [String] = []
        let lock = context.appendingPathComponent("uv.lock")
        if let text = try? String(contentsOf: lock, encoding: .utf8) {
            let mirrored = text.replacingOccurrences(of: pypiIndex, with: "\(baseURL)/simple")
                .replacingOccurrences(of: pypiFiles, with: "\(baseURL)/")
            try write(mirrored, to: lock)
            rewritten.append("uv.lock")
            let project = context.appendingPathComponent("pyproject.toml")
            if let pyproject = try? String(contentsOf: project, encoding: .utf8) {
                let index = """

                    # Added by containerbench --index local: the locked wheels, served on this machine.
                    [[tool.uv.index]]
                    name = "containerbench-local"
                    url = "\(baseURL)/simple"
                    default = true

                    """
                try write(pyproject + index, to: project)
                rewritten.append("pyproject.toml")
            }
        }
        let requirements = context.appendingPathComponent("requirements.txt")
        if let text = try? String(contentsOf: requirements, encoding: .utf8) {
            try write("--index-url \(baseURL)/simple\n" + text, to: requirements)
            rewritten.append("requirements.txt")
        }
        return rewritten
    }

    private static func write(_ text: String, to url: URL) throws {
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw BuildError("could not rewrite \(url.path) for the local package index: \(error)")
        }
    }
}
