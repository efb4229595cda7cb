import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// What only the shared store can meet: a connection that breaks in the middle of a save, and URLs with secrets.
@Suite("PostgreSQL history store")
struct HistoryPostgreSQLStoreTests {
    @Test("a connection cut while a save is open stores nothing of the run, and the store reconnects")
    func connectionCutMidSave() throws {
        let history = try TestHistory(.postgresql)
        defer { history.remove() }
        let store = try #require(try history.open() as? PostgreSQLHistoryStore)
        let other = try #require(try history.open() as? PostgreSQLHistoryStore)
        let run = HistoryFixtures.richRun()
        let backend = try store.backendProcessID()
        let error = try #require(throws: HistoryError.self) {
            try store.save(run, evaluation: HistoryFixtures.evaluation(runID: run.id)) {
                // Every row is written, the transaction is open: the network (here: the server) drops it.
                try other.executeRaw("SELECT pg_terminate_backend(\(backend))")
            }
        }
        #expect(error.code == .connectionLost, "\(error)")
        #expect(error.description.contains(history.redacted))
        #expect(!error.description.contains("containerbench-test"), "no password: \(error)")
        #expect(try other.rowCounts(runID: run.id).values.allSatisfy { $0 == 0 }, "no partial run")
        #expect(try other.runs(filter: RunFilter()).isEmpty)
        try store.save(run, evaluation: nil)
        #expect(try other.run(id: run.id) == run)
    }

    @Test(
        "URLs parse as libpq's, and their password never shows",
        arguments: [
            ("postgresql://ci:s3cr%40t@db.internal:6543/bench?sslmode=require&schema=nightly", true),
            ("postgres://ci@127.0.0.1/bench", true),
            ("postgresql://ci:pw@host/db?sslmode=sometimes", false),
            ("postgresql://ci:pw@host/db?schema=Robert'); DROP TABLE runs", false),
            ("postgresql://ci:pw@host", false),
            ("postgresql://:pw@host/db", false),
            ("postgresql://ci:pw@host/db?application=x", false),
        ])
    func urls(text: String, valid: Bool) throws {
        if valid {
            guard case .postgresql(let url) = try HistoryLocation.parse(text) else {
                Issue.record("\(text) is not a PostgreSQL location")
                return
            }
            #expect(url.user == "ci")
            #expect(!url.redacted.contains("s3cr"))
            if url.password != nil {
                #expect(url.password == "s3cr@t")
                #expect(url.port == 6543 && url.tls == .require && url.schema == "nightly" && url.host == "db.internal")
                #expect(url.redacted == "postgresql://ci:***@db.internal:6543/bench?sslmode=require&schema=nightly")
            } else {
                #expect(url.port == 5432 && url.tls == .verifiedIfOffered && url.schema == nil)
            }
        } else {
            let error = try #require(throws: HistoryError.self) { try HistoryLocation.parse(text) }
            #expect(error.code == .invalidLocation)
            #expect(!error.description.contains(":pw@"), "\(error)")
        }
    }

    @Test("the environment names the history when the flag does not; the flag wins")
    func environment() throws {
        let url = "postgresql://ci:pw@host/db"
        #expect(try HistoryLocation.resolve(flag: nil, environment: [:]) == .file("results/history.sqlite"))
        #expect(
            try HistoryLocation.resolve(flag: nil, environment: ["CONTAINERBENCH_HISTORY": url]).description
                == "postgresql://ci:***@host:5432/db")
        #expect(
            try HistoryLocation.resolve(flag: "h.sqlite", environment: ["CONTAINERBENCH_HISTORY": url])
                == .file("h.sqlite"))
    }
}
