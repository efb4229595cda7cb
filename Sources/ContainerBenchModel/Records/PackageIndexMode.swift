/// Where builds download Python packages from; recorded in the run's environment (`index_mode`).
public enum PackageIndexMode: String, Sendable, Codable, CaseIterable {
    /// PyPI over the network, as the Dockerfiles say.
    case pypi
    /// The locked wheels, downloaded once into a cache and served on 127.0.0.1 during the builds.
    case local
}
