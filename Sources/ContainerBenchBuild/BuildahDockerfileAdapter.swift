import Foundation

/// What Buildah 1.28 (Podman 4.3) needs changed in a Dockerfile that BuildKit builds as it is: a `RUN --mount`
/// target relative to the WORKDIR (`target=uv.lock`) is refused ("must be an absolute path"), so it is made
/// absolute against the stage's WORKDIR. Applied to a copy; the user's Dockerfile is never edited.
public enum BuildahDockerfileAdapter {
    /// `text` with every relative mount target of a RUN made absolute; unchanged when there is none. A stage's
    /// WORKDIR starts at `/` (a base image's own WORKDIR is not known here).
    public static func absoluteMountTargets(_ text: String) -> String {
        var workdir = "/"
        var inRun = false
        var continued = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !continued && !trimmed.hasPrefix("#") && !trimmed.isEmpty {
                let keyword = trimmed.prefix { !$0.isWhitespace }.uppercased()
                inRun = keyword == "RUN"
                if keyword == "FROM" { workdir = "/" }
                if keyword == "WORKDIR" {
                    let path = trimmed.dropFirst("WORKDIR".count).trimmingCharacters(in: .whitespaces)
                    workdir = path.hasPrefix("/") ? path : (workdir.hasSuffix("/") ? workdir : workdir + "/") + path
                }
            }
            if !trimmed.hasPrefix("#") && !trimmed.isEmpty {
                continued = trimmed.hasSuffix("\\")
            }
            lines.append(inRun ? absolute(line, workdir: workdir) : line)
        }
        return lines.joined(separator: "\n")
    }

    /// Rewrites `target=`, `dst=` and `destination=` values of `--mount=` flags on one line.
    static func absolute(_ line: String, workdir: String) -> String {
        guard line.contains("--mount") else { return line }
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where words[index].hasPrefix("--mount=") {
            let fields = words[index].dropFirst("--mount=".count).split(separator: ",").map { field -> String in
                let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, ["target", "dst", "destination"].contains(parts[0].lowercased()),
                    !parts[1].hasPrefix("/"), !parts[1].hasPrefix("$")
                else { return String(field) }
                let base = workdir.hasSuffix("/") ? workdir : workdir + "/"
                return "\(parts[0])=\(base)\(parts[1])"
            }
            words[index] = "--mount=" + fields.joined(separator: ",")
        }
        return words.joined(separator: " ")
    }
}
