import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// The compose reader on a three-service stack like the seed's (Fixtures/compose), and the suite made from it.
@Suite("Compose files")
struct ComposeFileTests {
    /// The fixture copied to a fresh directory, its `dotenv` installed as `.env`.
    static func stack() throws -> TemporaryDirectory {
        let source = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/compose")
        let directory = try TemporaryDirectory("containerbench-compose")
        let target = directory.url.appendingPathComponent("stack")
        try FileManager.default.copyItem(at: source, to: target)
        try FileManager.default.moveItem(
            at: target.appendingPathComponent("dotenv"), to: target.appendingPathComponent(".env"))
        return directory
    }

    static func load(_ directory: TemporaryDirectory, environment: [String: String] = ["HOME": "/home/tester"])
        throws -> ComposeFile
    {
        try ComposeFile.load(path: directory.path + "/stack/docker-compose.yml", environment: environment)
    }

    static func parse(_ text: String, environment: [String: String] = [:]) throws -> ComposeFile {
        try ComposeFile.parse(text, file: "compose.yml", directory: "/project", environment: environment)
    }

    @Test("every field of the stack, interpolated from the environment and .env, merge keys applied")
    func stackFields() throws {
        let directory = try Self.stack()
        defer { directory.remove() }
        let compose = try Self.load(directory)
        let root = directory.url.appendingPathComponent("stack").standardizedFileURL.path
        #expect(compose.services.map(\.name) == ["api", "dashboard", "analytics", "redis", "prometheus"])
        #expect(compose.warnings.isEmpty, "\(compose.warnings)")

        let api = try #require(compose.service(named: "api"))
        #expect(api.line == 13)
        #expect(
            api.build
                == ComposeFile.Build(
                    context: root + "/api", dockerfile: root + "/api/Dockerfile.fastapi", target: "production",
                    args: ["PYTHON_VERSION": "3.12", "UV_VERSION": "0.9.5"], line: 14))
        #expect(api.image == "graphmemory/api:2025.01")
        #expect(
            api.environment == [
                "LOG_LEVEL": "debug", "REDIS_URL": "redis://redis:6379/0", "WORKERS": "2", "API_KEY": "s3cr3t value",
                "PRICE": "$5",
            ])
        #expect(
            api.ports == [
                ComposeFile.Port(target: 9000, published: "9000", hostIP: "127.0.0.1"),
                ComposeFile.Port(target: 8000, published: "8000", hostIP: "127.0.0.1"),
            ])
        #expect(
            api.healthcheck
                == ComposeFile.Healthcheck(
                    test: ["CMD", "curl", "-f", "http://localhost:8000/health"], interval: 30, timeout: 10,
                    startPeriod: 90, retries: 3))
        #expect(api.dependsOn == ["redis"] && api.profiles.isEmpty && api.command == nil)

        let dashboard = try #require(compose.service(named: "dashboard"))
        #expect(dashboard.build?.dockerfile == root + "/dashboard/Dockerfile")
        #expect(
            dashboard.command == ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"])
        #expect(
            dashboard.environment == [
                "API_URL": "http://api:8000", "STREAMLIT_SERVER_HEADLESS": "true", "HOME": "/home/tester",
            ])
        #expect(dashboard.ports == [ComposeFile.Port(target: 8501, published: "8501", hostIP: "127.0.0.1")])
        #expect(
            dashboard.healthcheck?.test == ["CMD-SHELL", "curl --fail http://localhost:8501/_stcore/health || exit 1"])
        #expect(dashboard.user == "10002" && dashboard.dependsOn == ["api"] && dashboard.profiles == ["ui"])

        let analytics = try #require(compose.service(named: "analytics"))
        #expect(analytics.build?.args == ["ENABLE_BLAS": "1"] && analytics.build?.target == nil)
        #expect(analytics.environment == ["ANALYTICS_PORT": "8002", "DEBUG": "false"])
        #expect(analytics.ports == [ComposeFile.Port(target: 8002)])
        #expect(analytics.healthcheck?.retries == 5 && analytics.healthcheck?.startInterval == 0.5)
        #expect(analytics.command == ["python", "-m", "analytics.worker"])

        let redis = try #require(compose.service(named: "redis"))
        #expect(redis.build == nil && redis.healthcheck?.disabled == true && redis.profiles == ["infra"])
    }

    @Test("the process environment wins over .env; entries without value take it; unset variables warn")
    func environmentPrecedence() throws {
        let directory = try Self.stack()
        defer { directory.remove() }
        let compose = try Self.load(
            directory,
            environment: [
                "TAG": "from-shell", "UV_PIN": "0.9.7", "HTTP_PROXY": "http://proxy:3128", "EXTRA_INDEX": "x",
            ])
        let api = try #require(compose.service(named: "api"))
        #expect(api.image == "graphmemory/api:from-shell")
        #expect(api.build?.args["UV_VERSION"] == "0.9.7", ".env's own ${UV_PIN:-...} sees the environment")
        #expect(api.build?.args["HTTP_PROXY"] == "http://proxy:3128")
        #expect(compose.service(named: "analytics")?.build?.args["EXTRA_INDEX"] == "x")
        try FileManager.default.removeItem(atPath: directory.path + "/stack/.env")
        let bare = try Self.load(directory, environment: [:])
        #expect(bare.warnings == ["the \"API_KEY\" variable is not set: it is replaced by an empty string"])
        #expect(bare.service(named: "api")?.environment["LOG_LEVEL"] == "info")
        #expect(bare.service(named: "api")?.build?.args["UV_VERSION"] == "0.9.0")
    }

    @Test("the suite: services with build and no profile by default, port from the healthcheck's URL, health path")
    func suiteFromStack() throws {
        let directory = try Self.stack()
        defer { directory.remove() }
        let compose = try Self.load(directory)
        let suite = try ComposeSuite.make(compose: compose, services: [], file: "docker-compose.yml")
        #expect(suite.source == "docker-compose.yml" && suite.baseImages.isEmpty)
        #expect(suite.services.map(\.name) == ["api", "analytics"])
        let api = suite.services[0]
        #expect(api.port == 8000, "the port the healthcheck probes, not the first one listed")
        #expect(api.health == HealthSpec(path: "/health"))
        #expect(api.context == compose.service(named: "api")?.build?.context)
        #expect(api.environment["API_KEY"] == "s3cr3t value")
        let driver = try #require(api.drivers.first)
        #expect(driver.name == "compose" && driver.target == "production" && driver.context == nil)
        #expect(driver.buildArgs == ["PYTHON_VERSION": "3.12", "UV_VERSION": "0.9.5"])
        // The driver's Dockerfile and target are what the parser resolves.
        let references = try Dockerfile.load(path: driver.dockerfile).baseReferences(
            buildArgs: driver.buildArgs, target: driver.target)
        #expect(
            references.map(\.name) == [
                "python:3.12-slim-bookworm", "ghcr.io/astral-sh/uv:0.9.5", "python:3.12-slim-bookworm",
            ])
        #expect(suite.services[1].port == 8002 && suite.services[1].health.path == "/ready")
        let dashboard = try ComposeSuite.make(compose: compose, services: ["dashboard"], file: "docker-compose.yml")
        #expect(dashboard.services.map(\.port) == [8501] && dashboard.services[0].health.path == "/_stcore/health")
        let overridden = try ComposeSuite.make(
            compose: compose, services: ["api"], file: "docker-compose.yml", ports: ["api": 9000])
        #expect(overridden.services[0].port == 9000 && overridden.services[0].health.path == "/")
    }

    @Test("a selected service without build, unknown, without port, or without its context is refused by name")
    func suiteRefusals() throws {
        let directory = try Self.stack()
        defer { directory.remove() }
        let compose = try Self.load(directory)
        let redis = try #require(throws: ConfigError.self) {
            try ComposeSuite.make(compose: compose, services: ["redis"], file: "docker-compose.yml")
        }
        #expect(
            redis.line == 83
                && redis.message.contains("'redis' has no build: section (it runs the image redis:7-alpine)"))
        let unknown = try #require(throws: ConfigError.self) {
            try ComposeSuite.make(compose: compose, services: ["web"], file: "docker-compose.yml")
        }
        #expect(unknown.message.contains("api, dashboard, analytics, redis, prometheus"))
        var portless = compose
        portless.services[0].ports = []
        let noPort = try #require(throws: ConfigError.self) {
            try ComposeSuite.make(compose: portless, services: ["api"], file: "docker-compose.yml")
        }
        #expect(noPort.line == 13 && noPort.message.contains("pass --port"))
        var missing = compose
        missing.services[0].build?.dockerfile += ".missing"
        #expect(throws: ConfigError.self) {
            try ComposeSuite.make(compose: missing, services: ["api"], file: "docker-compose.yml")
        }
        let none = try Self.parse("services:\n  db:\n    image: postgres:16\n")
        #expect(throws: ConfigError.self) { try ComposeSuite.make(compose: none, services: [], file: "compose.yml") }
    }

    @Test(
        "the health path is read from curl, wget or Python URLs on the service's port",
        arguments: [
            ("curl -fsS http://localhost:8000/health || exit 1", 8000, "/health" as String?),
            ("wget -qO- http://127.0.0.1:8000/api/v1/ping?deep=1", 8000, "/api/v1/ping?deep=1"),
            ("python -c \"urlopen('http://0.0.0.0:8002/ready')\"", 8002, "/ready"),
            ("curl http://localhost/", 80, "/"), ("curl -f http://[::1]:8080", 8080, "/"),
            ("curl http://localhost:9000/metrics", 8000, nil), ("curl http://db:8000/health", 8000, nil),
            ("redis-cli ping", 6379, nil),
        ])
    func healthPaths(command: String, port: Int, path: String?) {
        #expect(ComposeSuite.healthURL(in: command, port: port) == path)
    }

    @Test("interpolation as compose does it: $$, defaults for unset and empty, alternatives, nesting")
    func interpolation() throws {
        let compose = try Self.parse(
            """
            services:
              s:
                environment:
                  A: $$HOME
                  B: ${EMPTY-d}
                  C: ${EMPTY:-d}
                  D: ${SET:+alt}
                  E: ${UNSET:+alt}
                  F: ${UNSET:-${SET}-x}
                  G: $SET/$1/$
                  H: "${SET}${SET}"
            """, environment: ["EMPTY": "", "SET": "v"])
        #expect(
            compose.services[0].environment == [
                "A": "$HOME", "B": "", "C": "d", "D": "alt", "E": "", "F": "v-x", "G": "v/$1/$", "H": "vv",
            ])
    }

    @Test(
        "wrong types of known keys are errors with line and field; unknown keys are not",
        arguments: [
            ("services: [a]", 1, "services" as String?),
            ("services:\n  api:\n    ports: 8000", 3, "services.api.ports"),
            ("services:\n  api:\n    ports: [\"80-90:80-90\"]", 3, "services.api.ports[0]"),
            ("services:\n  api:\n    ports: [\"http\"]", 3, "services.api.ports[0]"),
            ("services:\n  api:\n    ports:\n      - published: 80", 4, "services.api.ports[0]"),
            ("services:\n  api:\n    healthcheck:\n      interval: 10", 4, "services.api.healthcheck.interval"),
            ("services:\n  api:\n    healthcheck:\n      retries: many", 4, "services.api.healthcheck.retries"),
            ("services:\n  api:\n    healthcheck:\n      disable: maybe", 4, "services.api.healthcheck.disable"),
            ("services:\n  api:\n    healthcheck:\n      test: [curl, x]", 4, "services.api.healthcheck.test"),
            (
                "services:\n  api:\n    build:\n      dockerfile_inline: FROM x", 4,
                "services.api.build.dockerfile_inline"
            ),
            ("services:\n  api:\n    build: https://github.com/a/b.git", 3, "services.api.build"),
            ("services:\n  api:\n    environment: 5", 3, "services.api.environment"),
            ("services:\n  api:\n    environment:\n      A: ${B:?set B}", 4, "services.api.environment.A"),
            ("services:\n  api:\n    environment:\n      A: ${B/x/y}", 4, "services.api.environment.A"),
            ("services:\n  api:\n    command: \"echo 'open\"", 3, "services.api.command"),
            ("services:\n  api:\n    profiles: ui", 3, "services.api.profiles"),
            ("services:\n  api: [x]", 2, "services.api"), ("name: x", 1, nil), ("services: {a: 1", 2, nil),
        ])
    func refusals(text: String, line: Int, field: String?) throws {
        let error = try #require(throws: ConfigError.self) { try Self.parse(text) }
        #expect(error.line == line && error.field == field, "\(error)")
        #expect(error.description.hasPrefix("compose.yml:\(line):"))
    }

    @Test("unknown keys, x- extensions and null sections are ignored")
    func tolerated() throws {
        let compose = try Self.parse(
            """
            version: "3.9"
            x-anything: {a: 1}
            services:
              web:
                build: .
                volumes: [".:/app"]
                logging: {driver: json-file}
                environment:
                ports:
                  - 8000
                  - "127.0.0.1::8001"
                  - "[::1]:8002:8002/udp"
            secrets: {}
            """)
        let web = try #require(compose.services.first)
        #expect(web.build?.context == "/project" && web.build?.dockerfile == "/project/Dockerfile")
        #expect(web.environment.isEmpty)
        #expect(
            web.ports == [
                ComposeFile.Port(target: 8000), ComposeFile.Port(target: 8001, hostIP: "127.0.0.1"),
                ComposeFile.Port(target: 8002, published: "8002", hostIP: "::1", transport: "udp"),
            ])
    }

    @Test(".env syntax: export, comments, single quotes literal, double quotes with escapes over lines")
    func dotEnv() throws {
        let directory = try TemporaryDirectory("containerbench-dotenv")
        defer { directory.remove() }
        try directory.write(
            ".env",
            "# comment\nexport A=1\nB = two # trailing comment\nC='${A} literal'\nD=\"line\\none\nline two\"\n"
                + "E=\"${A}\\\"q\\\"\"\nF=\r\n")
        try directory.write("compose.yml", "services:\n  s:\n    environment: [A=$A, B=$B, C=$C, D=$D, E=$E, F=$F]\n")
        let environment = try ComposeFile.load(path: directory.path + "/compose.yml", environment: [:])
            .services[0].environment
        #expect(
            environment == [
                "A": "1", "B": "two", "C": "${A} literal", "D": "line\none\nline two", "E": "1\"q\"", "F": "",
            ])
        try directory.write(".env", "A=1\nnot a line\n")
        let error = try #require(throws: ConfigError.self) {
            try ComposeFile.load(path: directory.path + "/compose.yml", environment: [:])
        }
        #expect(error.file.hasSuffix(".env") && error.line == 2)
    }

    @Test("mutated compose files only ever throw a ConfigError naming the file", .timeLimit(.minutes(1)))
    func mutatedStacks() throws {
        let source = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/compose")
        let seed = try String(contentsOf: source.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        _ = try Self.parse(seed)
        var random = SeededGenerator(seed: 0xC0_4405E)
        var parsed = 0
        var rejected = 0
        for iteration in 0..<2000 {
            var text = iteration % 10 == 9 ? FuzzConfigTests.noise(&random) : seed
            for _ in 0..<(1 + random.nextIndex(below: 4)) { text = FuzzConfigTests.mutate(text, &random) }
            let outcome = FuzzConfigTests.outcome({ _ = try Self.parse(text, environment: ["TAG": "t"]) }, text: text)
            if let message = outcome {
                rejected += 1
                #expect(message.hasPrefix("compose.yml"), "the error names the file: \(message)")
            } else {
                parsed += 1
            }
        }
        #expect(parsed > 200 && rejected > 200, "parsed \(parsed), rejected \(rejected)")
    }

    @Test(
        "merge keys that expand exponentially (anchors merging anchors twice) are refused fast", .timeLimit(.minutes(1))
    )
    func mergeBomb() throws {
        var text = "x-l0: &l0 {a: 1, b: 2}\n"
        for level in 1...40 {
            text +=
                "x-l\(level): &l\(level)\n  <<: [*l\(level - 1), *l\(level - 1), *l\(level - 1)]\n  k\(level): \(level)\n"
        }
        text += "services:\n  api:\n    <<: *l40\n    build: .\n    ports: [\"8000:8000\"]\n"
        let started = Date()
        let error = try #require(throws: ConfigError.self) { _ = try Self.parse(text) }
        #expect(error.description.contains("merge keys expand to more than"), "\(error)")
        #expect(Date().timeIntervalSince(started) < 20)
        // A real file's merges (a shared block merged into a few services) are far below the budget.
        let shared = """
            x-common: &common {restart: unless-stopped, environment: {A: "1"}}
            services:
              api: {<<: *common, build: ., ports: ["8000:8000"]}
              web: {<<: *common, build: ., ports: ["8001:8001"]}
            """
        _ = try Self.parse(shared)
    }
}
