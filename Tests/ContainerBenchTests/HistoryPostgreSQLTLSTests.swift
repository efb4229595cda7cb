import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The history's PostgreSQL transport, secure by default (docs/security.md): against a private server of the
/// test's own with TLS on and a certificate from a CA of the test's own, made for the name `localhost` only.
/// Without an sslmode the certificate and the host name are checked whenever the server offers TLS; a server that
/// offers none is refused when the URL requires TLS; passwords come from PGPASSWORD and the password file.
@Suite("PostgreSQL history: TLS and passwords", .serialized)
struct HistoryPostgreSQLTLSTests {
    /// A CA and a server certificate for `names` (subjectAltName entries) in `directory`.
    static func certificates(in directory: String, names: String) async throws {
        let openssl = try #require(ProcessRunner.which("openssl"), "openssl is needed (make setup installs it)")
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=containerbench test CA",
                "-keyout", "\(directory)/ca-key.pem", "-out", "\(directory)/ca.pem",
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                "\(directory)/server-key.pem", "-out", "\(directory)/server.csr",
            ],
            [
                "x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/ca.pem", "-CAkey",
                "\(directory)/ca-key.pem", "-CAcreateserial", "-days", "2", "-extfile", "\(directory)/ext.cnf", "-out",
                "\(directory)/server-cert.pem",
            ],
        ]
        try "subjectAltName = \(names)\nextendedKeyUsage = serverAuth\n".write(
            toFile: "\(directory)/ext.cnf", atomically: true, encoding: .utf8)
        for step in steps {
            let made = try await ProcessRunner.run(openssl, step, combineOutput: true)
            try #require(made.succeeded, "openssl \(step[0]): \(made.output)")
        }
    }

    /// Starts a private TLS cluster with `.ci/postgres.sh` on a free port; returns the port and the stop action.
    static func startServer(certificates: String) async throws -> (port: Int, stop: @Sendable () async -> Void) {
        let port = try #require(HTTPReadinessProbe.freePort())
        let environment = [
            "CONTAINERBENCH_PG_PORT": String(port), "CONTAINERBENCH_PG_DIR": "/tmp/containerbench-pg-tls-\(port)",
            "CONTAINERBENCH_PG_TLS": certificates,
        ]
        let script = Binary.packageRoot.appendingPathComponent(".ci/postgres.sh").path
        let started = try await ProcessRunner.run(
            "/bin/bash", [script, "start"], environment: environment, combineOutput: true)
        try #require(started.succeeded, "the TLS server did not start: \(started.output)")
        return (
            port,
            {
                _ = try? await ProcessRunner.run("/bin/bash", [script, "stop"], environment: environment)
            }
        )
    }

    /// The error opening `url` gives, or nil when it opens.
    static func openError(_ url: String, environment: [String: String]? = nil) -> HistoryError? {
        do {
            let parsed = try PostgreSQLURL(url)
            let store = try PostgreSQLHistoryStore(url: parsed)
            _ = try store.runs(filter: RunFilter())
            return nil
        } catch let error as HistoryError {
            return error
        } catch {
            return HistoryError(.ioFailure, path: url, detail: "\(error)")
        }
    }

    @Test("no sslmode: the certificate and host name are checked; require skips the check; verify-ca skips the name")
    func certificateChecks() async throws {
        // Where the private server can run (make test, CI); elsewhere cancelled, saying why.
        _ = try HistoryStoreKind.postgresURL()
        let directory = try TemporaryDirectory("cb-pg-tls")
        defer { directory.remove() }
        try await Self.certificates(in: directory.path, names: "DNS:localhost")
        let server = try await Self.startServer(certificates: directory.path)
        let ca = directory.path + "/ca.pem"
        let result: Result<Void, any Error> = Result {
            let base = "postgresql://containerbench:containerbench-test@"
            let database = ":\(server.port)/containerbench_test"
            // By address: the certificate is for localhost only. Refused by default, also with the right CA.
            for url in ["\(base)127.0.0.1\(database)", "\(base)127.0.0.1\(database)?sslrootcert=\(ca)"] {
                let refused = try #require(Self.openError(url), "\(url) opened")
                #expect(refused.code == .cannotConnect, "\(refused)")
                #expect(refused.description.contains("TLS certificate was refused"), "\(refused)")
                #expect(refused.description.contains("sslrootcert"), "\(refused)")
                #expect(!refused.description.contains("containerbench-test"), "no password: \(refused)")
            }
            // By the certificate's name with its CA: accepted (verify-full by default).
            #expect(Self.openError("\(base)localhost\(database)?sslrootcert=\(ca)") == nil)
            // libpq's names: verify-ca checks the CA only, require nothing, verify-full both.
            #expect(Self.openError("\(base)127.0.0.1\(database)?sslmode=verify-ca&sslrootcert=\(ca)") == nil)
            #expect(Self.openError("\(base)127.0.0.1\(database)?sslmode=require") == nil)
            #expect(Self.openError("\(base)127.0.0.1\(database)?sslmode=verify-full&sslrootcert=\(ca)") != nil)
            // The system's CAs do not know the test's CA, whatever the name.
            #expect(Self.openError("\(base)localhost\(database)?sslmode=verify-full") != nil)
        }
        await server.stop()
        try result.get()
    }

    @Test("a server without TLS is refused when the URL requires TLS, saying nothing was sent in plain text")
    func requiredButMissing() throws {
        let plain = try HistoryStoreKind.postgresURL()
        let required = plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")
        try #require(required != plain)
        let refused = try #require(Self.openError(required))
        #expect(refused.code == .cannotConnect)
        #expect(refused.description.contains("does not offer TLS"), "\(refused)")
        #expect(refused.description.contains("nothing was sent in plain text"), "\(refused)")
        // The default (no sslmode) against a loopback server without TLS: plain TCP, as libpq's prefer; a remote
        // host, or a URL naming a CA, would be refused the same way (no downgrade by whoever answers "no TLS").
        let byDefault = plain.replacingOccurrences(of: "?sslmode=disable", with: "")
        #expect(Self.openError(byDefault) == nil)
        let withCA = byDefault + "?sslrootcert=/etc/ssl/certs/ca-certificates.crt"
        #expect(Self.openError(withCA)?.description.contains("does not offer TLS") == true)
        for (host, plainAllowed) in [
            ("127.0.0.1", true), ("localhost", true), ("[::1]", true), ("db.internal", false), ("10.0.0.7", false),
        ] {
            let url = try PostgreSQLURL("postgresql://ci@\(host)/bench")
            #expect(url.allowsPlainTCP == plainAllowed, "\(host)")
            #expect(try PostgreSQLURL("postgresql://ci@\(host)/bench?sslmode=prefer").allowsPlainTCP, "\(host)")
        }
    }

    @Test("without a password in the URL: PGPASSWORD, then the password file (only when private), matched as libpq")
    func passwordSources() throws {
        let directory = try TemporaryDirectory("cb-pgpass")
        defer { directory.remove() }
        let url = try PostgreSQLURL("postgresql://ci@db.internal:6543/bench")
        #expect(url.password(environment: ["HOME": directory.path]) == nil)
        #expect(url.password(environment: ["PGPASSWORD": "from-env", "HOME": directory.path]) == "from-env")
        let file = try directory.write(
            "pgpass",
            """
            # comment
            other.host:6543:bench:ci:wrong-host
            db.internal:5432:bench:ci:wrong-port
            db.internal:6543:*:ci:pa\\:ss\\\\word
            *:*:*:*:fallback
            """)
        chmod(file, 0o600)
        #expect(url.password(environment: ["PGPASSFILE": file]) == "pa:ss\\word")
        #expect(try PostgreSQLURL("postgresql://ops@x/y").password(environment: ["PGPASSFILE": file]) == "fallback")
        // The URL's own password wins; a file others can read is ignored, as libpq does.
        #expect(try PostgreSQLURL("postgresql://ci:url@db.internal:6543/bench").password(environment: [:]) == "url")
        chmod(file, 0o644)
        #expect(url.password(environment: ["PGPASSFILE": file]) == nil)
    }

    @Test("sslrootcert is refused where libpq would not use it, and sslmode=(default) is not a mode a URL can name")
    func urlChecks() {
        for bad in [
            "postgresql://u@h/d?sslmode=require&sslrootcert=/ca.pem", "postgresql://u@h/d?sslmode=(default)",
            "postgresql://u@h/d?sslrootcert=",
        ] {
            #expect(throws: HistoryError.self, "\(bad)") { try PostgreSQLURL(bad) }
        }
        #expect(throws: Never.self) { try PostgreSQLURL("postgresql://u@h/d?sslrootcert=/ca.pem") }
        #expect((try? PostgreSQLURL("postgresql://u@h/d?sslrootcert=system"))?.rootCertificate == nil)
    }
}
