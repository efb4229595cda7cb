import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Secrets planted through every input a run takes (a suite build argument, a Dockerfile `ENV`, a container
/// variable, a `--secret` file) are found in no byte of what it leaves: the SQLite history, the reports, plots and
/// JUnit file, its output.
@Suite("Secrets (binary, engine)", .serialized)
struct SecretLeakTests {
    @Test("planted secrets are in no byte of the history, reports, plots or output; the policy names the layer")
    func plantedSecretsLeaveNoTrace() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-secrets"
        let planted = [
            "build argument": "plantedDeployTok3nQ9x", "ENV": "plantedApiKey7Wz",
            "container variable": "plantedPassw0rdK2",
            "--secret": "plantedFileSecret5Rt",
        ]
        let context = try fixture.dockerfileContext(
            "secrets",
            """
            FROM containerbench/python:3.11-bookworm
            ARG DEPLOY_TOKEN
            ENV API_KEY=\(planted["ENV"]!)
            RUN echo "deploying with $DEPLOY_TOKEN" > /tmp/deploy.log
            RUN --mount=type=secret,id=tok test "$(wc -c < /run/secrets/tok)" -gt 10
            USER nobody
            CMD ["sh", "-c", "echo password is $APP_PASSWORD; exec python3 -m http.server 18251 --bind 127.0.0.1"]

            """)
        var entry = FaultFixture.service(
            service, context: context, port: 18251, trials: 2,
            environment: ["APP_PASSWORD": planted["container variable"]!])
        entry = entry.replacingOccurrences(of: "path: /health", with: "path: /")
            .replacingOccurrences(
                of: "{dockerfile: Dockerfile.pip}",
                with: "{dockerfile: Dockerfile.pip, build_args: {DEPLOY_TOKEN: \"\(planted["build argument"]!)\"}}")
        try fixture.writeSuite([entry])
        defer { Task { await FaultFixture.removeImages(services: [service]) } }
        let secretFile = try fixture.directory.write("token.txt", planted["--secret"]! + "\n")

        let result = try await fixture.run(["--secret", "id=tok,src=\(secretFile)"])
        // The policy fails the image (ENV API_KEY, the token in a RUN layer's history): exit 1.
        #expect(result.exitCode == ExitStatus.budgetBreached.rawValue, "\(result.output)\n\(result.error)")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.status == .completed, "\(run.errors)")
        #expect(run.trials.count == 2 && run.trials.allSatisfy(\.succeeded), "the secret mount built and ran")
        let layers = run.images.first?.layers.map(\.createdBy) ?? []
        #expect(layers.contains { $0.contains("DEPLOY_TOKEN=[redacted]") }, "\(layers)")
        let store = try SQLiteHistoryStore(path: fixture.history)
        let policy = try #require(try store.evaluation(runID: run.id)).policy.first { $0.check == "no-secrets" }
        #expect(
            policy?.outcome == .fail && policy?.detail.contains("layer history") == true,
            "\(String(describing: policy))")
        #expect(policy?.detail.contains("--secret") == true)

        // Every byte left behind: the history (with its WAL, if any), every file of the results, the output.
        var files = [fixture.history, fixture.history + "-wal"]
        if let walker = FileManager.default.enumerator(atPath: fixture.results) {
            for case let path as String in walker { files.append(fixture.results + "/" + path) }
        }
        let reports = files.filter { $0.hasSuffix(".html") || $0.hasSuffix(".json") || $0.hasSuffix(".xml") }
        #expect(reports.count >= 3, "the reports were written: \(files)")
        var blobs = files.compactMap { FileManager.default.contents(atPath: $0) }
        blobs.append(Data((result.output + result.error).utf8))
        for (input, value) in planted {
            let needle = Data(value.utf8)
            let found = blobs.filter { $0.range(of: needle) != nil }.count
            #expect(found == 0, "the \(input) value is in \(found) of \(blobs.count) outputs")
        }
        #expect(try await FaultFixture.containers(label: "\(ContainerLabels.service)=\(service)").isEmpty)

        // The same run into a PostgreSQL history: no byte of its dump holds a planted value either.
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        var arguments = fixture.runArguments(["--secret", "id=tok,src=\(secretFile)"])
        for (flag, value) in [("--history", history.location), ("--results-dir", fixture.directory.path + "/pg")] {
            if let index = arguments.firstIndex(of: flag) { arguments[index + 1] = value }
        }
        let shared = try await Binary.run(arguments, environment: ["CONTAINERBENCH_LOCK": fixture.lock])
        #expect(shared.exitCode == ExitStatus.budgetBreached.rawValue, "\(shared.output)\n\(shared.error)")
        let url = try PostgreSQLURL(history.location)
        let dumper = try #require(
            (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last.map {
                "/usr/lib/postgresql/\($0)/bin/pg_dump"
            })
        let dump = try await ProcessRunner.run(
            dumper,
            [
                "--host", url.host, "--port", String(url.port), "--username", url.user, "--dbname", url.database,
                "--schema", url.schema ?? "public", "--data-only", "--no-owner",
            ],
            environment: ["PGPASSWORD": url.password ?? ""])
        try #require(dump.succeeded, "pg_dump: \(dump.error)")
        #expect(dump.output.contains("DEPLOY_TOKEN=[redacted]"), "the dump holds the run")
        for (input, value) in planted {
            #expect(!dump.output.contains(value), "the \(input) value is in the PostgreSQL history")
        }
        #expect(!(shared.output + shared.error).contains(planted["build argument"]!))
    }
}
