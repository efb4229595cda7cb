import Foundation

/// How a local stand-in for a public base image is made when no registry can provide the original. `bootstrap`
/// (and `run`, before its builds) makes it from Debian's packages and PyPI; the fingerprint records it with the
/// run, so a figure measured on a stand-in says so.
public struct StandInRecipe: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// What the stand-in is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Debian's Python with pip, not externally managed, also at /usr/local/bin: the official `python:` images.
        case python
        /// The uv and uvx binaries alone at /uv and /uvx: `ghcr.io/astral-sh/uv:VERSION` (for `COPY --from`).
        case uv
        /// The Python stand-in with uv and uvx in /usr/local/bin: `ghcr.io/astral-sh/uv:pythonX.Y-bookworm-slim`.
        case uvPython = "uv-python"
        /// Plain Debian (minbase, CA certificates): `debian:bookworm-slim`.
        case debian
    }

    public var kind: Kind
    /// `bookworm` (Python 3.11) or `trixie` (Python 3.13).
    public var release: String
    /// The uv version (`0.9.5`), or nil for the newest on PyPI (uv kinds only).
    public var uvVersion: String?
    /// The Python minor version the original names (`3.12`), when it names one: the stand-in's own version can differ
    /// (Debian ships one Python per release), and `pythonVersion` says which it is.
    public var requestedPython: String?

    /// A recipe; see the properties.
    public init(kind: Kind, release: String = "bookworm", uvVersion: String? = nil, requestedPython: String? = nil) {
        self.kind = kind
        self.release = release
        self.uvVersion = uvVersion
        self.requestedPython = requestedPython
    }

    /// The Debian releases recipes build from, with the Python each ships.
    public static let releases: [(release: String, python: String)] = [("bookworm", "3.11"), ("trixie", "3.13")]

    /// The Python the stand-in has (nil for `uv` and `debian`).
    public var pythonVersion: String? {
        guard kind == .python || kind == .uvPython else { return nil }
        return Self.releases.first { $0.release == release }?.python
    }

    /// The local image name this recipe makes by default.
    public var defaultImage: String {
        switch kind {
        case .python: return "containerbench/python:\(pythonVersion ?? "3")-\(release)"
        case .uv: return "containerbench/uv:\(uvVersion ?? "latest")"
        case .uvPython: return "containerbench/uv:\(uvVersion ?? "latest")-python\(pythonVersion ?? "3")-\(release)"
        case .debian: return "containerbench/debian:\(release)-slim"
        }
    }

    /// `python 3.11 from Debian bookworm (for 3.12)`.
    public var description: String {
        let wanted = requestedPython.flatMap { $0 != pythonVersion ? " (the original has \($0))" : nil } ?? ""
        switch kind {
        case .python: return "Python \(pythonVersion ?? "?") with pip from Debian \(release)\(wanted)"
        case .uv: return "uv \(uvVersion ?? "latest") from PyPI"
        case .uvPython:
            return "uv \(uvVersion ?? "latest") on Python \(pythonVersion ?? "?") from Debian \(release)\(wanted)"
        case .debian: return "Debian \(release) minbase"
        }
    }

    /// The recipe for a public base image reference, when containerbench knows one: the official Python images
    /// (`python:3.12-slim`, `python:3.13-trixie`, `docker.io/library/python:3.11`), uv's images
    /// (`ghcr.io/astral-sh/uv:0.9.5`, `ghcr.io/astral-sh/uv:python3.12-bookworm-slim`,
    /// `ghcr.io/astral-sh/uv:0.9.5-python3.12-bookworm`), and Debian (`debian:bookworm-slim`). Nil for anything else.
    public static func inferred(for reference: String) -> StandInRecipe? {
        guard let name = ImageName(reference) else { return nil }
        let tag = name.tag ?? "latest"
        let release = tag.contains("trixie") ? "trixie" : "bookworm"
        switch (name.domain, name.path) {
        case ("docker.io", "library/python"):
            let requested = Self.pythonVersion(in: tag, prefix: "")
            return StandInRecipe(
                kind: .python, release: Self.release(for: requested, named: tag) ?? release,
                requestedPython: requested)
        case ("docker.io", "library/debian"):
            guard tag == "latest" || tag.hasPrefix("bookworm") || tag.hasPrefix("trixie") || tag == "12" || tag == "13"
            else { return nil }
            return StandInRecipe(kind: .debian, release: tag.hasPrefix("trixie") || tag == "13" ? "trixie" : "bookworm")
        case ("ghcr.io", "astral-sh/uv"):
            let version = tag.split(separator: "-").first.map(String.init).flatMap { part in
                part.first?.isNumber == true ? part : nil
            }
            if tag.contains("python") {
                let requested = Self.pythonVersion(in: tag, prefix: "python")
                return StandInRecipe(
                    kind: .uvPython, release: Self.release(for: requested, named: tag) ?? release, uvVersion: version,
                    requestedPython: requested)
            }
            if tag.contains("bookworm") || tag.contains("trixie") || tag.contains("alpine") {
                // uv on a distribution without Python: the Debian stand-in with uv is the closest we make.
                return tag.contains("alpine")
                    ? nil : StandInRecipe(kind: .uvPython, release: release, uvVersion: version)
            }
            return StandInRecipe(kind: .uv, uvVersion: version ?? (tag == "latest" ? nil : tag))
        default:
            return nil
        }
    }

    /// `3.12` from `3.12-slim`, `3.12.7-bookworm`, `python3.12-bookworm-slim`; nil when the tag names no version.
    static func pythonVersion(in tag: String, prefix: String) -> String? {
        for part in tag.split(separator: "-") where part.hasPrefix(prefix) {
            let digits = part.dropFirst(prefix.count).split(separator: ".")
            if digits.count >= 2, let major = Int(digits[0]), let minor = Int(digits[1]) { return "\(major).\(minor)" }
        }
        return nil
    }

    /// The release a recipe uses: the one the tag names, else the one whose Python is the requested version, else
    /// the one whose Python is nearest to it (Debian ships one Python per release).
    static func release(for python: String?, named tag: String) -> String? {
        if tag.contains("trixie") { return "trixie" }
        if tag.contains("bookworm") { return "bookworm" }
        // Minor versions as integers (3.12 → 12), nearest wins, the older release on a tie.
        func minor(_ version: String) -> Int? { version.split(separator: ".").dropFirst().first.flatMap { Int($0) } }
        guard let python, let wanted = minor(python) else { return nil }
        return releases.min { left, right in
            let a = abs((minor(left.python) ?? 0) - wanted)
            let b = abs((minor(right.python) ?? 0) - wanted)
            return a != b ? a < b : (minor(left.python) ?? 0) < (minor(right.python) ?? 0)
        }?.release
    }
}
