import ContainerBenchModel
import Foundation

/// Warns about Dockerfile pairs that would make an installer comparison unfair.
public enum FairnessLint {
    /// Warnings for one service's drivers.
    public static func check(service: ServiceSpec) -> [String] {
        var warnings: [String] = []
        var compiles: [String: Bool] = [:]
        for driver in service.drivers {
            guard let raw = try? String(contentsOfFile: driver.dockerfile, encoding: .utf8) else { continue }
            // Comments say what a Dockerfile avoids ("no --no-cache-dir"): only instructions count.
            let instructions = raw.split(separator: "\n").filter {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#")
            }
            let text = instructions.joined(separator: "\n")
            let file = URL(fileURLWithPath: driver.dockerfile).lastPathComponent
            let place = "\(service.name)/\(driver.name) (\(file))"
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            compiles[driver.name] =
                text.contains("UV_COMPILE_BYTECODE=1") || text.contains("compileall")
                || text.contains("--compile-bytecode")
                || text.contains("pip install --compile")
            if text.contains("--mount=type=cache") && text.contains("--no-cache-dir") {
                warnings.append("\(place): --no-cache-dir cancels the pip cache mount")
            }
            if let cmd = lines.last(where: {
                $0.uppercased().hasPrefix("CMD") || $0.uppercased().hasPrefix("ENTRYPOINT")
            }),
                cmd.contains("--reload") || cmd.contains("flask run") || cmd.contains("runserver")
            {
                warnings.append("\(place): the CMD runs a development/reload server: \(cmd)")
            }
            if let check = lines.first(where: { $0.uppercased().hasPrefix("HEALTHCHECK") }),
                check.contains("curl") || check.contains("wget")
            {
                let installs = text.contains("install") && (text.contains(" curl") || text.contains(" wget"))
                if !installs {
                    warnings.append("\(place): the HEALTHCHECK calls curl/wget, which the image does not install")
                }
            }
            if raw.split(separator: "\n").first?.hasPrefix("# syntax=") == true {
                warnings.append("\(place): a '# syntax=' line makes BuildKit pull a frontend image from a registry")
            }
        }
        let values = Set(compiles.values)
        if values.count > 1 {
            let with = compiles.filter { $0.value }.keys.sorted().joined(separator: ", ")
            warnings.append("\(service.name): bytecode is compiled only by \(with): startup is not comparable")
        }
        return warnings
    }
}
