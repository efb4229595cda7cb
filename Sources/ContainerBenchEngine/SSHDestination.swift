import Foundation

/// A host reached over SSH, where `docker system dial-stdio` connects to the engine.
public struct SSHDestination: Sendable, Equatable {
    /// The remote user (`-l`); nil for ssh's own default (the config's, or the local user).
    public var user: String?
    /// The host name or address (never starting with "-").
    public var host: String
    /// Nil for ssh's own default (22, or the config's).
    public var port: Int?
    /// An ssh configuration file (`-F`), for keys and known hosts of its own; nil uses the user's.
    public var configFile: String?

    /// A destination; see the properties.
    public init(user: String? = nil, host: String, port: Int? = nil, configFile: String? = nil) {
        self.user = user
        self.host = host
        self.port = port
        self.configFile = configFile
    }

    /// `ssh://[user@]host[:port]`.
    public var url: String {
        let userPart = user.map { "\($0)@" } ?? ""
        let portPart = port.map { ":\($0)" } ?? ""
        return "ssh://\(userPart)\(host)\(portPart)"
    }

    /// The ssh arguments that run `docker system dial-stdio` there: key-based only (BatchMode: never a password
    /// prompt), the host key checked against known hosts whatever the user's configuration says
    /// (StrictHostKeyChecking=yes: an unknown or changed key is refused, never accepted), and `--` before the host
    /// so that nothing is read as an option.
    public var dialArguments: [String] {
        var arguments = [
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10", "-T",
        ]
        if let configFile { arguments += ["-F", configFile] }
        if let user { arguments += ["-l", user] }
        if let port { arguments += ["-p", String(port)] }
        return arguments + ["--", host, "docker", "system", "dial-stdio"]
    }
}
