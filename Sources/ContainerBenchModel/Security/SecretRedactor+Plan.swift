import Foundation

extension SecretRedactor {
    /// The redactor of a run of `plan`: every build argument and container variable it passes (assignments
    /// masked, values too where the name or value looks secret), the secret-looking `ARG` defaults and `ENV`
    /// values of its Dockerfiles, and the contents of its BuildKit secrets (always masked).
    public init(plan: RunPlan) {
        self.init()
        for service in plan.suite.services {
            for (name, value) in service.environment { add(name: name, value: value) }
            for driver in service.drivers {
                for (name, value) in driver.buildArgs { add(name: name, value: value) }
                if let dockerfile = try? Dockerfile.load(path: driver.dockerfile) {
                    merge(SecretRedactor(dockerfile: dockerfile))
                }
            }
        }
        for secret in plan.buildSecrets {
            if let value = secret.value() { add(name: secret.id, value: value, always: true) }
        }
    }

    /// The secret-looking `ARG` defaults and `ENV` values written in `dockerfile` (its other variables are public:
    /// they are in the file).
    public init(dockerfile: Dockerfile) {
        self.init()
        for instruction in dockerfile.instructions where ["ARG", "ENV"].contains(instruction.keyword) {
            for assignment in instruction.assignments {
                guard let value = assignment.value, Self.isSecretName(assignment.key) || Self.looksLikeSecret(value)
                else { continue }
                add(name: assignment.key, value: Self.unquoted(value))
            }
        }
    }

    static func unquoted(_ value: String) -> String {
        guard value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" else {
            return value
        }
        return String(value.dropFirst().dropLast())
    }
}
