import ContainerBench
import Foundation

/// A CA, a server certificate for 127.0.0.1 signed by it, a client certificate signed by it, and a second CA with
/// its own client certificate (the "wrong" one): made with openssl for a TLS engine of the tests' own.
public struct TestCertificates: Sendable {
    /// Holds ca.pem, server-cert.pem, server-key.pem, and the client's ca.pem, cert.pem, key.pem in `client/`,
    /// and the wrong client's in `wrong/`.
    public let directory: String

    /// The client's files in the docker CLI's layout (`DOCKER_CERT_PATH`).
    public var client: EngineTLSFiles { EngineTLSFiles(directory: directory + "/client") }
    /// A client certificate of another CA, with that CA: the engine refuses it, and it does not trust the engine.
    public var wrong: EngineTLSFiles { EngineTLSFiles(directory: directory + "/wrong") }
    public var caFile: String { directory + "/ca.pem" }
    public var serverCert: String { directory + "/server-cert.pem" }
    public var serverKey: String { directory + "/server-key.pem" }

    /// Makes every file under `directory` (created if missing).
    /// - Throws: `RemoteEngineError` with openssl's message when a step fails, or when openssl is missing.
    public static func make(in directory: String) async throws -> TestCertificates {
        guard let openssl = ProcessRunner.which("openssl") else {
            throw RemoteEngineError("openssl is not installed: it makes the TLS engine's certificates")
        }
        let files = FileManager.default
        for sub in ["", "/client", "/wrong"] {
            try files.createDirectory(atPath: directory + sub, withIntermediateDirectories: true)
        }
        func run(_ arguments: [String]) async throws {
            let result = try await ProcessRunner.run(openssl, arguments, workingDirectory: directory)
            guard result.succeeded else {
                throw RemoteEngineError(
                    "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(result.tail(5))")
            }
        }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n".write(
            toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage = clientAuth\n".write(
            toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        for ca in ["ca", "wrong/ca"] {
            try await run([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=containerbench-test-\(ca.replacingOccurrences(of: "/", with: "-"))",
                "-keyout", "\(ca)-key.pem", "-out", "\(ca).pem",
            ])
        }
        func issue(_ name: String, ca: String, ext: String) async throws {
            try await run([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name.replacingOccurrences(of: "/", with: "-"))",
                "-keyout", "\(name)-key.pem", "-out",
                "\(name).csr",
            ])
            try await run([
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca)-key.pem",
                "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", "\(name)-cert.pem",
            ])
        }
        try await issue("server", ca: "ca", ext: "server.ext")
        try await issue("client/client", ca: "ca", ext: "client.ext")
        try await issue("wrong/client", ca: "wrong/ca", ext: "client.ext")
        // The docker CLI's names: ca.pem, cert.pem, key.pem.
        for (folder, ca) in [("client", "ca.pem"), ("wrong", "wrong/ca.pem")] {
            if folder == "client" {
                try? files.removeItem(atPath: "\(directory)/client/ca.pem")
                try files.copyItem(atPath: "\(directory)/\(ca)", toPath: "\(directory)/client/ca.pem")
            }
            try? files.removeItem(atPath: "\(directory)/\(folder)/cert.pem")
            try? files.removeItem(atPath: "\(directory)/\(folder)/key.pem")
            try files.moveItem(
                atPath: "\(directory)/\(folder)/client-cert.pem", toPath: "\(directory)/\(folder)/cert.pem")
            try files.moveItem(
                atPath: "\(directory)/\(folder)/client-key.pem", toPath: "\(directory)/\(folder)/key.pem")
        }
        return TestCertificates(directory: directory)
    }
}

/// A server the remote-engine tests need could not be set up; the message says which and why.
public struct RemoteEngineError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
