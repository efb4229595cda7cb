import ContainerBenchModel
import Foundation

/// Reads `podman build` (Buildah) output into per-step times. Buildah prints when a step starts
/// (`[2/3] STEP 5/7: RUN uv sync …`, or `STEP 1/4: FROM …` in a one-stage build) and its result (`--> 1a2b3c`,
/// `--> Using cache 1a2b…`), but no durations: a step's time is the time from its STEP line to the next STEP or
/// COMMIT line, as the lines arrived (stamped by the reader). So a time includes Buildah's own work between steps
/// (committing the layer), and the last step of a stage ends at the next stage's first line.
public enum BuildahLogParser {
    /// The steps, in order; `lines` are the output's lines with the monotonic time each arrived.
    public static func steps(_ lines: [(time: Double, text: String)]) -> [BuildStep] {
        var steps: [BuildStep] = []
        var current: (name: String, start: Double, cached: Bool)?
        func finish(at time: Double) {
            guard let open = current else { return }
            steps.append(BuildStep(name: open.name, seconds: max(0, time - open.start), cached: open.cached))
            current = nil
        }
        for (time, raw) in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let name = stepName(line) {
                finish(at: time)
                current = (name, time, false)
            } else if isCommit(line) {
                finish(at: time)
            } else if line.hasPrefix("--> Using cache") {
                current?.cached = true
            }
        }
        if let last = lines.last { finish(at: last.time) }
        return steps
    }

    /// `[2/3] STEP 5/7: RUN …` or `STEP 5/7: RUN …` → the line itself (it names the stage, the step and the
    /// instruction); nil for other lines.
    static func stepName(_ line: String) -> String? {
        var rest = Substring(line)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        guard rest.hasPrefix("STEP "), rest.contains(":") else { return nil }
        return line
    }

    private static func isCommit(_ line: String) -> Bool {
        var rest = Substring(line)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        return rest.hasPrefix("COMMIT")
    }
}
