import Foundation

/// The files of a verified TLS connection to an engine: the CA that signed the engine's certificate, and the
/// client's certificate and key that the engine (`dockerd --tlsverify`) accepts.
public struct EngineTLSFiles: Sendable, Equatable {
    /// The CA certificate that signed the engine's certificate (PEM).
    public var caFile: String
    /// The client's certificate, signed by a CA the engine trusts (PEM).
    public var certFile: String
    /// The client certificate's private key (PEM); read by libcurl and the docker CLI, never by containerbench.
    public var keyFile: String

    /// Files named one by one (`--tls-ca/--tls-cert/--tls-key`).
    public init(caFile: String, certFile: String, keyFile: String) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }

    /// ca.pem, cert.pem and key.pem in `directory` (`DOCKER_CERT_PATH`).
    public init(directory: String) {
        self.init(caFile: directory + "/ca.pem", certFile: directory + "/cert.pem", keyFile: directory + "/key.pem")
    }

    /// The directory a docker CLI is given as `DOCKER_CERT_PATH`: the files' common directory. The CLI reads the
    /// fixed names ca.pem, cert.pem and key.pem there, so files named otherwise must be copied (see
    /// `usesDockerFileNames`).
    public var certificateDirectory: String {
        URL(fileURLWithPath: caFile).deletingLastPathComponent().path
    }

    /// Whether the files are ca.pem, cert.pem and key.pem of one directory, as the docker CLI expects them.
    public var usesDockerFileNames: Bool {
        self == EngineTLSFiles(directory: certificateDirectory)
    }

    /// Checks that each file exists and is readable.
    /// - Throws: `EngineError` with code `tls` naming the missing file.
    public func validate() throws(EngineError) {
        for (role, path) in [("CA certificate", caFile), ("client certificate", certFile), ("client key", keyFile)] {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw EngineError(
                    .tls,
                    "the \(role) \(path) does not exist or is not readable: a TLS engine needs ca.pem, cert.pem "
                        + "and key.pem (DOCKER_CERT_PATH, or --tls-ca/--tls-cert/--tls-key)")
            }
        }
    }
}
