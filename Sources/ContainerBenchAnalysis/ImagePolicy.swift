import ContainerBenchModel
import Foundation

/// Checks an image's configuration: non-root user, a HEALTHCHECK, no secret-looking variables baked in.
public enum ImagePolicy {
    static let secretMarkers = ["TOKEN", "KEY", "PASSWORD", "PASSWD", "SECRET", "CREDENTIAL"]
    /// Names that contain a marker but are well-known non-secrets.
    static let allowed: Set<String> = ["GPG_KEY", "PYTHON_GPG_KEY"]

    /// The findings for one built image.
    public static func check(
        service: String, driver: String, configuration: ImageConfiguration, buildArgs: [String: String]
    ) -> [PolicyFinding] {
        var findings: [PolicyFinding] = []
        let user = configuration.user ?? ""
        let rootUsers: Set<String> = ["", "root", "0", "0:0", "root:root"]
        findings.append(
            PolicyFinding(
                service: service, driver: driver, check: "non-root",
                outcome: rootUsers.contains(user) ? .fail : .pass,
                detail: user.isEmpty ? "no USER: the image runs as root" : "runs as \(user)"))
        let declared = configuration.declaresHealthcheck
        findings.append(
            PolicyFinding(
                service: service, driver: driver, check: "healthcheck", outcome: declared ? .pass : .fail,
                detail: declared
                    ? "HEALTHCHECK \((configuration.healthcheck ?? []).joined(separator: " "))"
                    : "no HEALTHCHECK declared"))
        var suspicious: [String] = []
        for entry in configuration.environment {
            let name = String(entry.split(separator: "=", maxSplits: 1).first ?? "")
            if isSecretName(name) { suspicious.append("ENV \(name)") }
        }
        for name in buildArgs.keys.sorted() where isSecretName(name) { suspicious.append("build arg \(name)") }
        findings.append(
            PolicyFinding(
                service: service, driver: driver, check: "no-secrets", outcome: suspicious.isEmpty ? .pass : .fail,
                detail: suspicious.isEmpty
                    ? "no secret-looking variables in the image config or build arguments"
                    : "secret-looking names baked in: \(suspicious.joined(separator: ", ")) (values not recorded)"))
        return findings
    }

    /// Whether a variable name looks like it holds a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        guard !allowed.contains(upper) else { return false }
        return secretMarkers.contains { upper.contains($0) }
    }
}
