import ContainerBench
import ContainerBenchHistory
import Foundation
import Testing

@Suite("Secret redaction")
struct SecretRedactorTests {
    @Test("names: secret-looking ones, not their look-alikes")
    func names() {
        for name in [
            "DEPLOY_TOKEN", "api_key", "APIKEY", "DB_PASSWORD", "GITHUB_PAT", "SENTRY_DSN", "OAUTH", "MY_SECRET",
        ] {
            #expect(SecretRedactor.isSecretName(name), "\(name)")
        }
        for name in [
            "PATH", "PYTHONPATH", "KEYBOARD_LAYOUT", "PYTHON_GPG_KEY", "PATCH_LEVEL", "WEB_CONCURRENCY", "HOST",
        ] {
            #expect(!SecretRedactor.isSecretName(name), "\(name)")
        }
    }

    @Test("shapes: tokens, keys and passwords in URLs, not versions, addresses or digests")
    func shapes() {
        for value in [
            "ghp_" + String(repeating: "aB3", count: 12), "AKIAIOSFODNN7EXAMPLE", "xoxb-1234567890-abcdefghij",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "https://user:hunter22@pypi.example/simple", "Zx9Qw7Er5Ty3Ui1Op0AsDf",
        ] {
            #expect(SecretRedactor.looksLikeSecret(value), "\(value)")
        }
        for value in [
            "3.11", "127.0.0.1", "/usr/local/bin", "2", "sha256:" + String(repeating: "ab12", count: 16),
            "python:3.12-slim-bookworm", "https://pypi.org/simple",
        ] {
            #expect(!SecretRedactor.looksLikeSecret(value), "\(value)")
        }
    }

    @Test("a layer's history: every build argument's assignment, secret values anywhere, secret names unknown to it")
    func layerText() {
        var redactor = SecretRedactor()
        redactor.add(name: "DEPLOY_TOKEN", value: "plantedTokenValue42")
        redactor.add(name: "PYTHON", value: "3.12")
        let layer = "|2 DEPLOY_TOKEN=plantedTokenValue42 PYTHON=3.12 /bin/sh -c echo plantedTokenValue42 > /t"
        let masked = redactor.redact(layer)
        #expect(!masked.contains("plantedTokenValue42") && !masked.contains("PYTHON=3.12"), "\(masked)")
        #expect(masked.contains("DEPLOY_TOKEN=[redacted]") && masked.contains("/bin/sh -c echo [redacted] > /t"))
        // A base image's ENV nobody told it about, a password in an index URL, a private key.
        let other = SecretRedactor().redact(
            "ENV API_KEY=sk-abc RUN pip install --index-url https://ci:s3cr3t@pypi.example/simple x "
                + "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- done")
        #expect(!other.contains("sk-abc") && !other.contains("s3cr3t") && !other.contains("MIIE"), "\(other)")
        #expect(other.contains("https://ci:[redacted]@pypi.example/simple") && other.hasSuffix(" done"), "\(other)")
        // Public words stay: a short value is never masked bare.
        #expect(redactor.redact("python 3.12 is here") == "python 3.12 is here")
    }

    @Test("a record: unchanged without secrets (every field round-trips), none left with them, JSON-escaped too")
    func records() throws {
        let run = HistorySynthesizer.defaultSuiteRun()
        #expect(try SecretRedactor().redacting(run) == run)
        #expect(SecretRedactor().redacted(run) == run)

        var planted = run
        let secret = "pl\"anted\\Secret-Value-0193"
        planted.warnings.append("the build said \(secret)")
        planted.builds[0].logTail = "#5 echo \(secret)\nAPI_TOKEN=abcd1234"
        planted.images[0].layers.append(ImageLayer(createdBy: "|1 DEPLOY_TOKEN=\(secret) /bin/sh -c x", bytes: 1))
        planted.trials[0].failure = TrialFailure(.exited, "exit 1", logs: "token \(secret)")
        var redactor = SecretRedactor()
        redactor.add(name: "DEPLOY_TOKEN", value: secret)
        let masked = redactor.redacted(planted)
        let encoded = String(decoding: try JSONEncoder().encode(masked), as: UTF8.self)
        #expect(!encoded.contains("anted") && !encoded.contains("abcd1234"), "\(encoded.prefix(300))")
        #expect(masked.trials.count == planted.trials.count && masked.images[0].layers.last?.bytes == 1)
        #expect(masked.images[0].layers.last?.createdBy == "|1 DEPLOY_TOKEN=[redacted] /bin/sh -c x")
    }

    @Test("--secret: docker's forms parsed, mistakes named")
    func buildSecrets() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("secret-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "tok-value-123\n".write(to: folder.appendingPathComponent("t"), atomically: true, encoding: .utf8)
        let file = try BuildSecret.parse("id=npm,src=t", relativeTo: folder)
        #expect(file.argument == "id=npm,src=\(folder.appendingPathComponent("t").standardizedFileURL.path)")
        #expect(file.value() == "tok-value-123\n")
        let env = try BuildSecret.parse("id=home,env=HOME", relativeTo: folder)
        #expect(env.argument == "id=home,env=HOME")
        for bad in ["src=t", "id=x,src=missing", "id=x,src=t,env=HOME", "id=x,bogus=1", "id=x,env=CB_SURELY_UNSET_9"] {
            #expect(throws: ConfigError.self, "\(bad)") { try BuildSecret.parse(bad, relativeTo: folder) }
        }
    }
}
