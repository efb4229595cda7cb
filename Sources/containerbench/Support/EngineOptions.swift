import ArgumentParser
import ContainerBench
import Foundation

/// Which engine a command talks to: `--engine` and the TLS and SSH options, else `DOCKER_HOST` (with
/// `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`), else the local socket.
struct EngineOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The engine: unix:///path, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT] (default: DOCKER_HOST, else "
                + "unix:///var/run/docker.sock).", valueName: "url"))
    var engine: String?

    @Option(name: .customLong("tls-ca"), help: "CA certificate that signed the engine's (tcp:// with TLS).")
    var tlsCA: String?

    @Option(name: .customLong("tls-cert"), help: "Client certificate the engine accepts (tcp:// with TLS).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The client certificate's key (tcp:// with TLS).")
    var tlsKey: String?

    @Option(
        name: .customLong("ssh-config"),
        help: "An ssh configuration file (-F) for ssh:// engines (keys, known hosts); default: yours.")
    var sshConfig: String?

    @Flag(
        name: .customLong("engine-insecure"),
        help: "Accept a tcp:// engine without TLS (refused otherwise: requests would cross the network in clear).")
    var engineInsecure = false

    func validate() throws {
        let given = [tlsCA, tlsCert, tlsKey].compactMap { $0 }
        guard given.isEmpty || given.count == 3 else {
            throw ValidationError("--tls-ca, --tls-cert and --tls-key go together: pass all three, or none")
        }
    }

    /// The endpoint these options (or the environment) name.
    /// - Throws: `ExitCode` 4 (infrastructure) with the reason on stderr when it cannot be used: a missing
    ///   certificate file, an address containerbench cannot reach.
    func endpoint() throws -> EngineEndpoint {
        var tls: EngineTLSFiles?
        if let tlsCA, let tlsCert, let tlsKey {
            tls = EngineTLSFiles(caFile: tlsCA, certFile: tlsCert, keyFile: tlsKey)
        }
        do {
            return try EngineEndpoint.resolve(url: engine, tls: tls, sshConfig: sshConfig, insecure: engineInsecure)
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }
}
