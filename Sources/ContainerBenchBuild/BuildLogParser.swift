import ContainerBenchModel
import Foundation

/// Reads BuildKit's `--progress plain` output into per-step times.
///
/// Lines look like `#7 [builder 4/6] RUN uv sync --locked`, `#7 DONE 12.3s`, `#7 CACHED`, `#7 ERROR: ...`.
public enum BuildLogParser {
    /// The steps in the order BuildKit first named them; internal vertices (`[internal] load ...`) are skipped.
    public static func steps(_ log: String) -> [BuildStep] {
        var names: [Int: String] = [:]
        var order: [Int] = []
        var seconds: [Int: Double] = [:]
        var cached: Set<Int> = []
        for rawLine in log.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("#") else { continue }
            let body = line.dropFirst()
            guard let space = body.firstIndex(of: " "), let id = Int(body[..<space]) else { continue }
            let rest = body[body.index(after: space)...]
            if rest.hasPrefix("DONE ") {
                let value = rest.dropFirst(5).trimmingCharacters(in: .whitespaces)
                if value.hasSuffix("s"), let number = Double(value.dropLast()) { seconds[id] = number }
            } else if rest == "CACHED" {
                cached.insert(id)
            } else if rest.hasPrefix("[") && names[id] == nil {
                names[id] = String(rest)
                order.append(id)
            }
        }
        return order.compactMap { id in
            guard let name = names[id], !name.hasPrefix("[internal]") else { return nil }
            return BuildStep(name: name, seconds: seconds[id] ?? 0, cached: cached.contains(id))
        }
    }
}
