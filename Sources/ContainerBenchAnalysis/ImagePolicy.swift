import ContainerBenchModel
import Foundation

/// Checks an image's configuration: non-root user, a HEALTHCHECK, no secret-looking variables baked in.
public enum ImagePolicy {
    /// The findings for one built image.
    public static func check(
        service: String, driver: String, configuration: ImageConfiguration, buildArgs: [String: String],
        layers: [String] = [], redactor: SecretRedactor = SecretRedactor()
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
        // A secret in a layer's history is in the image for anyone who pulls it, whatever this tool masks.
        let secretsOnly = SecretRedactor(values: redactor.values)
        let leaking = layers.enumerated().compactMap { index, text -> String? in
            let masked = secretsOnly.redact(text)
            guard masked != text else { return nil }
            let shown = masked.replacingOccurrences(of: "\n", with: " ")
            return "layer \(index + 1) (\(shown.count > 80 ? shown.prefix(79) + "…" : shown))"
        }
        var problems: [String] = []
        if !suspicious.isEmpty {
            problems.append(
                "secret-looking names baked in: \(suspicious.joined(separator: ", ")) (values redacted from the "
                    + "history and reports)")
        }
        if !leaking.isEmpty {
            problems.append(
                "a secret value is in the image's layer history: \(leaking.joined(separator: "; ")); pass it with "
                    + "--secret id=ID,src=FILE and read it in RUN --mount=type=secret,id=ID")
        }
        findings.append(
            PolicyFinding(
                service: service, driver: driver, check: "no-secrets", outcome: problems.isEmpty ? .pass : .fail,
                detail: problems.isEmpty
                    ? "no secret-looking variables in the image config, build arguments or layers"
                    : problems.joined(separator: "; ")))
        return findings
    }

    /// Whether a variable name looks like it holds a secret (`SecretRedactor`'s rule).
    public static func isSecretName(_ name: String) -> Bool {
        SecretRedactor.isSecretName(name)
    }
}
