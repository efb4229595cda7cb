import ContainerBenchEngine
import ContainerBenchModel

extension ImageInspect {
    /// The engine's view of the image's configuration as the model's value (what the policy checks read).
    public var configuration: ImageConfiguration {
        ImageConfiguration(
            user: config?.user, environment: config?.env ?? [], healthcheck: config?.healthcheck?.test,
            command: config?.cmd, entrypoint: config?.entrypoint)
    }
}
