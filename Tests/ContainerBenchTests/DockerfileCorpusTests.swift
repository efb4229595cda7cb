import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// Dockerfiles in the styles users write them (Fixtures/dockerfiles): the base images each build needs, with the
/// line and kind of each, the final stage and its base, what the lint reads, and the exact mapped copy.
@Suite("Dockerfile corpus")
struct DockerfileCorpusTests {
    static func fixture(_ name: String) throws -> (text: String, dockerfile: Dockerfile) {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "Dockerfile", subdirectory: "Fixtures/dockerfiles"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return (text, try Dockerfile.parse(text, file: "\(name).Dockerfile"))
    }

    /// `kind name @line` of each reference, compact to compare.
    static func summary(_ references: [ImageReference]) -> [String] {
        references.map { "\($0.kind.rawValue) \($0.name) @\($0.line)" }
    }

    static let python = "containerbench/python:3.12-bookworm"
    static let uv = "containerbench/uv:0.9.5"

    @Test("single stage on a uv image: one FROM, env and exec CMD for the lint")
    func uvSingleStage() throws {
        let (text, dockerfile) = try Self.fixture("uv-single-stage")
        let references = try dockerfile.baseReferences()
        #expect(Self.summary(references) == ["from ghcr.io/astral-sh/uv:python3.12-bookworm-slim @2"])
        #expect(references[0].image.domain == "ghcr.io" && references[0].image.path == "astral-sh/uv")
        #expect(dockerfile.stages.count == 1 && dockerfile.syntax == nil)
        let config = try dockerfile.imageConfig()
        #expect(config.environment["UV_COMPILE_BYTECODE"] == "1")
        #expect(config.environment["PATH"] == "/app/.venv/bin:$PATH", "the base image's PATH stays a reference")
        #expect(config.cmd?.argv == ["fastapi", "run", "app/main.py", "--port", "8000", "--host", "0.0.0.0"])
        #expect(config.exposedPorts == ["8000"] && config.user == nil && config.healthcheck == nil)
        let (mapped, replacements) = try dockerfile.rewrite(map: [
            "ghcr.io/astral-sh/uv:python3.12-bookworm-slim": "containerbench/uv-python:3.12"
        ])
        #expect(
            mapped
                == text.replacingOccurrences(
                    of: "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim\n",
                    with: "FROM containerbench/uv-python:3.12\n"))
        #expect(replacements.map(\.line) == [2])
    }

    @Test("multistage with COPY --from=ghcr.io/astral-sh/uv: the uv image is a base, the builder stage is not")
    func uvMultistage() throws {
        let (_, dockerfile) = try Self.fixture("uv-multistage")
        #expect(dockerfile.syntax == "docker/dockerfile:1")
        #expect(
            Self.summary(try dockerfile.baseReferences()) == [
                "from python:3.12-slim-bookworm @3", "copy-from ghcr.io/astral-sh/uv:0.9.5 @4",
                "from python:3.12-slim-bookworm @13",
            ])
        let final = try #require(try dockerfile.finalBase())
        #expect(final.line == 13 && final.stage == 1 && dockerfile.finalStage.index == 1)
        #expect(dockerfile.finalStage.instructions.map(\.keyword) == ["COPY", "ENV", "USER", "HEALTHCHECK", "CMD"])
        let config = try dockerfile.imageConfig()
        #expect(config.user == Dockerfile.Setting(value: "app", line: 16))
        let check = try #require(config.healthcheck)
        #expect(check.interval == 10 && check.timeout == 2 && check.retries == nil && check.line == 17)
        #expect(check.test == ["CMD-SHELL", "curl -fsS http://localhost:8000/health || exit 1"])
        #expect(check.command?.executable == "curl")
        #expect(check.argv() == ["/bin/sh", "-c", "curl -fsS http://localhost:8000/health || exit 1"])
        let (mapped, replacements) = try dockerfile.rewrite(map: [
            "python:3.12-slim-bookworm": Self.python, "ghcr.io/astral-sh/uv:0.9.5": Self.uv,
        ])
        #expect(
            mapped == """
                # syntax=docker/dockerfile:1
                # Multistage: uv copied from its image into the builder, only the venv goes to the final image.
                FROM containerbench/python:3.12-bookworm AS builder
                COPY --from=containerbench/uv:0.9.5 /uv /uvx /bin/

                ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
                WORKDIR /app
                COPY pyproject.toml uv.lock /app/
                RUN uv sync --locked --no-install-project --no-dev
                COPY . /app
                RUN uv sync --locked --no-dev

                FROM containerbench/python:3.12-bookworm
                COPY --from=builder --chown=app:app /app /app
                ENV PATH="/app/.venv/bin:$PATH"
                USER app
                HEALTHCHECK --interval=10s --timeout=2s CMD curl -fsS http://localhost:8000/health || exit 1
                CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]

                """)
        #expect(
            replacements == [
                Dockerfile.Replacement(
                    line: 3, kind: .from, original: "python:3.12-slim-bookworm", replacement: Self.python,
                    written: "python:3.12-slim-bookworm"),
                Dockerfile.Replacement(
                    line: 4, kind: .copyFrom, original: "ghcr.io/astral-sh/uv:0.9.5", replacement: Self.uv,
                    written: "ghcr.io/astral-sh/uv:0.9.5"),
                Dockerfile.Replacement(
                    line: 13, kind: .from, original: "python:3.12-slim-bookworm", replacement: Self.python,
                    written: "python:3.12-slim-bookworm"),
            ])
    }

    @Test("uv sync --locked with cache and bind mounts, uv mounted from its image")
    func uvSyncCacheMounts() throws {
        let (text, dockerfile) = try Self.fixture("uv-sync-cache-mounts")
        #expect(
            Self.summary(try dockerfile.baseReferences()) == [
                "from python:3.12-slim-bookworm @1", "mount-from ghcr.io/astral-sh/uv:0.9.5 @7",
                "mount-from ghcr.io/astral-sh/uv:0.9.5 @14",
            ])
        let sync = dockerfile.runInstructions[0]
        #expect(sync.startLine == 7 && sync.endLine == 11)
        #expect(sync.mounts.map(\.type) == ["bind", "cache", "bind", "bind"])
        #expect(sync.mounts.map(\.target) == ["/bin/uv", "/root/.cache/uv", "uv.lock", "pyproject.toml"])
        #expect(sync.mounts[2].source == "uv.lock" && sync.mounts[0].from == "ghcr.io/astral-sh/uv:0.9.5")
        #expect(sync.command == .shell("uv sync --locked --no-install-project --no-dev"))
        #expect(sync.raw.hasPrefix("RUN --mount=from=") && sync.raw.hasSuffix("--no-dev"))
        let (mapped, replacements) = try dockerfile.rewrite(map: ["ghcr.io/astral-sh/uv:0.9.5": Self.uv])
        #expect(
            mapped
                == text.replacingOccurrences(
                    of: "--mount=from=ghcr.io/astral-sh/uv:0.9.5,source=/uv",
                    with: "--mount=from=containerbench/uv:0.9.5,source=/uv"))
        #expect(replacements.map(\.line) == [7, 14] && replacements.allSatisfy { $0.kind == .mountFrom })
    }

    @Test("pip requirements on a company base built from another Dockerfile (registry with a port)")
    func pipOnCustomBase() throws {
        let (_, base) = try Self.fixture("custom-base")
        #expect(Self.summary(try base.baseReferences()) == ["from python:3.12-slim-bookworm @3"])
        #expect(base.runInstructions[0].startLine == 4 && base.runInstructions[0].endLine == 6)
        let (text, dockerfile) = try Self.fixture("pip-custom-base")
        let reference = try #require(try dockerfile.baseReferences().first)
        #expect(reference.name == "registry.example.com:5000/platform/python-base:3.12-2" && reference.line == 1)
        #expect(reference.image.domain == "registry.example.com:5000" && reference.image.path == "platform/python-base")
        #expect(reference.image.tag == "3.12-2")
        #expect(
            dockerfile.runInstructions.map(\.commandText) == [
                "pip install --no-cache-dir --upgrade -r /code/requirements.txt"
            ])
        #expect(try dockerfile.imageConfig().user?.value == "appuser")
        let (mapped, _) = try dockerfile.rewrite(map: [reference.name: "local/python-base:3.12-2"])
        #expect(mapped == text.replacingOccurrences(of: reference.name, with: "local/python-base:3.12-2"))
    }

    @Test("system-wide pip install on python:3.12-slim, ENTRYPOINT and a shell HEALTHCHECK")
    func pipSystemWide() throws {
        let (_, dockerfile) = try Self.fixture("pip-system")
        let references = try dockerfile.baseReferences()
        #expect(Self.summary(references) == ["from python:3.12-slim @1"])
        #expect(references[0].image == ImageName("docker.io/library/python:3.12-slim"))
        let config = try dockerfile.imageConfig()
        #expect(config.cmd == nil && config.exposedPorts == ["8501"])
        #expect(config.entrypoint?.form.executable == "streamlit" && config.entrypoint?.line == 11)
        #expect(config.healthcheck?.test == ["CMD-SHELL", "curl --fail http://localhost:8501/_stcore/health"])
        #expect(dockerfile.runInstructions.map(\.commandText) == ["pip install --no-cache-dir -r requirements.txt"])
        let (mapped, _) = try dockerfile.rewrite(map: ["docker.io/library/python:3.12-slim": Self.python])
        #expect(mapped.hasPrefix("FROM containerbench/python:3.12-bookworm\n\nWORKDIR /app\n"))
    }

    @Test("ARG PYTHON_VERSION=3.12 then FROM python:${PYTHON_VERSION}-slim: defaults, build args, stage scope")
    func argInFrom() throws {
        let (text, dockerfile) = try Self.fixture("arg-python-version")
        let references = try dockerfile.baseReferences()
        #expect(Self.summary(references) == ["from python:3.12-slim-bookworm @3"])
        #expect(references[0].written == "python:${PYTHON_VERSION}-slim-${DEBIAN}")
        let override = try dockerfile.baseReferences(buildArgs: ["PYTHON_VERSION": "3.13"])
        #expect(override.map(\.name) == ["python:3.13-slim-bookworm"])
        #expect(try dockerfile.finalBase()?.name == "python:3.12-slim-bookworm", "FROM base follows the stage")
        // ARG PYTHON_VERSION inside the stage takes the global value, or the build argument.
        #expect(try dockerfile.imageConfig(target: "base").environment["APP_PYTHON"] == "3.12")
        #expect(try dockerfile.imageConfig(buildArgs: ["PYTHON_VERSION": "3.13"]).environment["APP_PYTHON"] == "3.13")
        #expect(try dockerfile.imageConfig().cmd?.argv == ["/bin/sh", "-c", "python -m app"])
        let map = ["python:3.12-slim-bookworm": Self.python]
        let (mapped, replacements) = try dockerfile.rewrite(map: map)
        #expect(
            mapped
                == text.replacingOccurrences(
                    of: "FROM python:${PYTHON_VERSION}-slim-${DEBIAN} AS base",
                    with: "FROM containerbench/python:3.12-bookworm AS base"))
        #expect(replacements.first?.written == "python:${PYTHON_VERSION}-slim-${DEBIAN}")
        // With another Python the reference is another image, which the map does not name: nothing changes.
        let (unchanged, none) = try dockerfile.rewrite(map: map, buildArgs: ["PYTHON_VERSION": "3.13"])
        #expect(unchanged == text && none.isEmpty)
    }

    @Test("heavy line continuations: comment and blank lines inside are dropped, lines are the file's")
    func continuations() throws {
        let (text, dockerfile) = try Self.fixture("continuations")
        let stage = dockerfile.stages[0]
        #expect(stage.name == "runtime" && stage.from.startLine == 1 && stage.from.endLine == 3)
        let references = try dockerfile.baseReferences()
        #expect(Self.summary(references) == ["from python:3.12-slim-bookworm @2"], "the line the image is on")
        let run = stage.instructions[0]
        #expect(run.startLine == 5 && run.endLine == 14)
        #expect(
            run.arguments
                == "set -eux;     apt-get update;     apt-get install -y --no-install-recommends         "
                + "build-essential         curl     ;     rm -rf /var/lib/apt/lists/*")
        #expect(!run.commandText.contains("libpq"), "a commented-out continuation line is not part of the command")
        let env = stage.instructions[1]
        #expect(env.assignments.map(\.key) == ["LANG", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR"])
        #expect(env.startLine == 16 && env.endLine == 19)
        #expect(stage.instructions[2].startLine == 20 && stage.instructions[2].endLine == 21)
        #expect(stage.instructions[3].command == .exec(["python", "-m", "app"]))
        #expect(stage.instructions[3].raw == "CMD [\"python\", \\\n     \"-m\", \"app\"]")
        let (mapped, _) = try dockerfile.rewrite(map: ["python:3.12-slim-bookworm": Self.python])
        #expect(
            mapped
                == text.replacingOccurrences(
                    of: "    python:3.12-slim-bookworm \\\n", with: "    containerbench/python:3.12-bookworm \\\n"))
    }

    @Test("# escape=` : backtick continuations, backslashes are literal")
    func backtickEscape() throws {
        let (text, dockerfile) = try Self.fixture("backtick-escape")
        #expect(dockerfile.escape == "`" && dockerfile.directive("escape")?.line == 1)
        let stage = dockerfile.stages[0]
        #expect(stage.instructions.map(\.keyword) == ["WORKDIR", "RUN", "COPY", "CMD"])
        #expect(stage.instructions[0].arguments == "C:\\app")
        #expect(stage.instructions[1].arguments == "pip install     --no-cache-dir     -r requirements.txt")
        #expect(stage.instructions[1].startLine == 5 && stage.instructions[1].endLine == 7)
        #expect(stage.instructions[3].command == .exec(["python", "C:\\app\\main.py"]))
        #expect(
            Self.summary(try dockerfile.baseReferences()) == [
                "from python:3.12-slim @3", "copy-from ghcr.io/astral-sh/uv:0.9.5 @8",
            ])
        let (mapped, _) = try dockerfile.rewrite(map: ["ghcr.io/astral-sh/uv:0.9.5": Self.uv])
        #expect(mapped == text.replacingOccurrences(of: "ghcr.io/astral-sh/uv:0.9.5 `", with: "\(Self.uv) `"))
    }

    @Test("heredocs: bodies kept raw and never read as instructions, <<- and quoted delimiters")
    func heredocs() throws {
        let (text, dockerfile) = try Self.fixture("heredoc")
        #expect(dockerfile.syntax == "docker/dockerfile:1.7")
        #expect(Self.summary(try dockerfile.baseReferences()) == ["from python:3.12-slim @2"])
        let stage = dockerfile.stages[0]
        #expect(stage.instructions.map(\.keyword) == ["RUN", "COPY", "RUN", "RUN", "CMD"])
        let script = stage.instructions[0]
        #expect(script.startLine == 3 && script.endLine == 8)
        #expect(
            script.heredocs == [
                Dockerfile.Heredoc(
                    name: "EOF",
                    body: "set -e\napt-get update\napt-get install -y --no-install-recommends curl\n"
                        + "rm -rf /var/lib/apt/lists/*\n", chomp: false, expand: true, fileDescriptor: nil, endLine: 8)
            ])
        #expect(script.commandText.contains("apt-get install -y --no-install-recommends curl"))
        let config = stage.instructions[1]
        #expect(config.heredocs.first?.expand == false && config.words == ["<<\"EOF\"", "/etc/app/config.toml"])
        #expect(config.heredocs.first?.body.contains("# FROM ubuntu is not an instruction here") == true)
        let chomped = stage.instructions[2]
        #expect(chomped.heredocs.first?.chomp == true && chomped.endLine == 16)
        #expect(
            chomped.heredocs.first?.content
                == "pip install --no-cache-dir -r requirements.txt\npython -m compileall -q /app\n")
        let python = stage.instructions[3]
        #expect(python.mounts.first?.type == "cache" && python.heredocs.first?.name == "PY")
        #expect(python.heredocs.first?.expand == false && python.endLine == 19)
        let (mapped, _) = try dockerfile.rewrite(map: ["python:3.12-slim": Self.python])
        #expect(mapped == text.replacingOccurrences(of: "FROM python:3.12-slim AS", with: "FROM \(Self.python) AS"))
    }

    @Test("a build --target: only the stages it needs count, the final stage is the target")
    func buildTarget() throws {
        let (text, dockerfile) = try Self.fixture("targets")
        #expect(dockerfile.stages.map(\.name) == ["base", "dev", "assets", "prod"])
        #expect(try dockerfile.finalStage.name == "prod" && dockerfile.targetStage("dev").index == 1)
        #expect(
            Self.summary(try dockerfile.baseReferences()) == [
                "from python:3.12-slim-bookworm @3", "from node:22-bookworm-slim @12",
            ])
        #expect(Self.summary(try dockerfile.baseReferences(target: "dev")) == ["from python:3.12-slim-bookworm @3"])
        let resolution = try dockerfile.resolve(target: "dev")
        #expect(resolution.target == 1 && resolution.reachable == [0, 1])
        #expect(resolution.references.count == 2, "every stage is still resolved")
        #expect(try dockerfile.imageConfig(target: "DEV").cmd?.argv.contains("--reload") == true)
        #expect(try dockerfile.imageConfig().user?.value == "10001")
        #expect(throws: DockerfileError.self) { try dockerfile.baseReferences(target: "staging") }
        do {
            _ = try dockerfile.resolve(target: "staging")
        } catch let error as DockerfileError {
            #expect(error.code == .unknownTarget && error.message.contains("base, dev, assets, prod"))
        }
        let (mapped, _) = try dockerfile.rewrite(map: ["python:3.12-slim-bookworm": Self.python])
        #expect(mapped == text.replacingOccurrences(of: "FROM ${PYTHON_IMAGE} AS", with: "FROM \(Self.python) AS"))
    }

    @Test("FROM builder AS final: the final base is the builder's image; --platform is expanded")
    func fromBuilder() throws {
        let (_, dockerfile) = try Self.fixture("from-builder")
        let resolution = try dockerfile.resolve(platform: "linux/arm64")
        #expect(resolution.stages.map(\.platform) == ["linux/arm64", nil])
        #expect(resolution.stages[1].base == .stage(0) && resolution.stages[1].dependencies == [0])
        let base = try #require(try dockerfile.finalBase())
        #expect(base.name == "python:3.12-slim-bookworm" && base.line == 2 && base.written == "${PYTHON_IMAGE}")
        let config = try dockerfile.imageConfig()
        #expect(config.user?.value == "nobody" && config.healthcheck?.isDisabled == true)
        #expect(config.healthcheck?.test == ["NONE"])
        #expect(config.environment["PATH"] == "/opt/venv/bin:$PATH", "inherited from the builder stage")
        let (mapped, _) = try dockerfile.rewrite(map: ["python:3.12-slim-bookworm": Self.python])
        #expect(mapped.contains("FROM --platform=$BUILDPLATFORM containerbench/python:3.12-bookworm AS builder\n"))
        #expect(mapped.contains("FROM builder AS final\n"))
    }

    @Test("COPY --from=0 names a stage by index, not an image")
    func copyFromIndex() throws {
        let (_, dockerfile) = try Self.fixture("copy-from-index")
        #expect(
            Self.summary(try dockerfile.baseReferences()) == [
                "from python:3.12-slim-bookworm @1", "from gcr.io/distroless/python3-debian12:nonroot @4",
            ])
        #expect(try dockerfile.resolve().stages[1].dependencies == [0])
        #expect(try dockerfile.imageConfig().entrypoint?.argv == ["/opt/venv/bin/python", "-m", "app"])
        #expect(try dockerfile.finalBase()?.image.domain == "gcr.io")
    }

    /// The input of the old `DockerfileRewriter` test (BuildParsingTests): the old rewriter changed the ARG defaults
    /// and left `FROM ${PYTHON_IMAGE}` alone; the parser replaces the image where each FROM and COPY names it.
    @Test("the old rewriter's input: every site mapped, ARG defaults and stage references untouched")
    func oldRewriterInput() throws {
        let text = """
            ARG PYTHON_IMAGE=python:3.12-slim-bookworm
            ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9
            FROM ${UV_IMAGE} AS uv
            FROM ${PYTHON_IMAGE} AS builder
            COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/
            FROM python:3.12-slim-bookworm
            COPY --from=builder /opt/venv /opt/venv
            """
        let dockerfile = try Dockerfile.parse(text, file: "Dockerfile")
        let (mapped, replacements) = try dockerfile.rewrite(map: [
            "python:3.12-slim-bookworm": "containerbench/python:3.11-bookworm",
            "ghcr.io/astral-sh/uv:0.13.9": "containerbench/uv:0.13.9",
        ])
        #expect(
            mapped == """
                ARG PYTHON_IMAGE=python:3.12-slim-bookworm
                ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9
                FROM containerbench/uv:0.13.9 AS uv
                FROM containerbench/python:3.11-bookworm AS builder
                COPY --from=containerbench/uv:0.13.9 /uv /bin/
                FROM containerbench/python:3.11-bookworm
                COPY --from=builder /opt/venv /opt/venv
                """)
        #expect(
            replacements.map(\.line) == [3, 4, 5, 6] && replacements.map(\.kind) == [.from, .from, .copyFrom, .from])
        // The stage `uv` is not needed by the final stage, so a build does not pull its image.
        #expect(try dockerfile.baseReferences().map(\.line) == [4, 5, 6])
    }

    /// The project's own Dockerfiles: one parser for them all.
    @Test(arguments: ["fixture", "fastapi", "streamlit", "analytics"])
    func repositoryDockerfiles(service: String) throws {
        let root = Binary.packageRoot
        for driver in ["uv", "pip"] {
            let path = root.appendingPathComponent("benchmarks/\(service)/Dockerfile.\(driver)").path
            let dockerfile = try Dockerfile.load(path: path)
            let names = Set(try dockerfile.baseReferences().map(\.name))
            #expect(names.isSubset(of: ["python:3.12-slim-bookworm", "ghcr.io/astral-sh/uv:0.13.9"]), "\(names)")
            #expect(try dockerfile.finalBase()?.name == "python:3.12-slim-bookworm")
            #expect(try dockerfile.imageConfig().healthcheck != nil)
        }
    }
}
