import ContainerBench
import Foundation
import Testing

/// The parser's rules one at a time, each checked against what BuildKit's frontend does with the same text.
@Suite("Dockerfile parser")
struct DockerfileParserTests {
    static func parse(_ text: String) throws -> Dockerfile {
        try Dockerfile.parse(text, file: "Dockerfile")
    }

    /// `code@line` of the error parsing `text` throws, or nil when it parses.
    static func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as DockerfileError {
            return "\(error.code.rawValue)@\(error.line.map(String.init) ?? "-")"
        } catch {
            Issue.record("not a DockerfileError: \(error)")
            return nil
        }
    }

    static func globals(_ text: String, buildArgs: [String: String] = [:]) throws -> [String: String] {
        try parse(text + "\nFROM scratch\n").resolve(buildArgs: buildArgs, platform: "linux/amd64").globalArgs
    }

    // MARK: - Directives

    @Test("directives: only the leading # key=value lines, values trimmed, names case-insensitive")
    func directives() throws {
        let dockerfile = try Self.parse(
            "#  Syntax = docker/dockerfile:1  \n# escape=`\n# check=skip=JSONArgsRecommended\nFROM a")
        #expect(dockerfile.directives.map(\.name) == ["syntax", "escape", "check"])
        #expect(dockerfile.syntax == "docker/dockerfile:1" && dockerfile.escape == "`")
        #expect(dockerfile.directive("check")?.value == "skip=JSONArgsRecommended")
        #expect(dockerfile.directive("CHECK")?.line == 3)
        // After a blank line, a comment, an unknown directive or an instruction, `# escape=` is a comment.
        for text in [
            "\n# escape=`\nFROM a", "# hello\n# escape=`\nFROM a", "# foo=bar\n# escape=`\nFROM a",
            "FROM a\n# escape=`\n",
        ] {
            let parsed = try Self.parse(text)
            #expect(parsed.escape == "\\" && parsed.directive("escape") == nil, "\(text)")
        }
    }

    @Test("a repeated directive or an escape other than \\ and ` is refused at its line")
    func invalidDirectives() {
        #expect(Self.failure("# syntax=a\n# syntax=b\nFROM a") == "invalidDirective@2")
        #expect(Self.failure("# escape=x\nFROM a") == "invalidDirective@1")
    }

    @Test("a byte-order mark and CRLF line ends: read as BuildKit reads them, written back untouched")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}# syntax=docker/dockerfile:1\r\nFROM python:3.12-slim AS base\r\nRUN echo a \\\r\n  b\r\n"
        let dockerfile = try Self.parse(text)
        #expect(dockerfile.syntax == "docker/dockerfile:1")
        #expect(dockerfile.stages[0].instructions[0].arguments == "echo a   b")
        #expect(dockerfile.stages[0].instructions[0].endLine == 4)
        let (mapped, replacements) = try dockerfile.rewrite(map: ["python:3.12-slim": "local/python:3.12"])
        #expect(
            mapped
                == "\u{FEFF}# syntax=docker/dockerfile:1\r\nFROM local/python:3.12 AS base\r\nRUN echo a \\\r\n  b\r\n")
        #expect(replacements.map(\.line) == [2])
        #expect(dockerfile.text == text)
    }

    // MARK: - Continuations

    @Test("continuations: trailing blanks after the escape, a line of only the escape, an escaped escape")
    func continuationRules() throws {
        let stage = try Self.parse("FROM a\nRUN one \\   \n  two \\\n\\\n  three\nRUN echo C:\\\\\nRUN four").stages[0]
        #expect(stage.instructions.map(\.arguments) == ["one   two   three", "echo C:\\\\", "four"])
        #expect(stage.instructions.map(\.startLine) == [2, 6, 7])
        // The file may end inside a continuation.
        #expect(try Self.parse("FROM a\nRUN echo \\").stages[0].instructions[0].arguments == "echo")
    }

    @Test("keywords are case-insensitive; stage names match without regard to case")
    func keywordCase() throws {
        let dockerfile = try Self.parse("from python:3.12 as Builder\ncopy --from=BUILDER /a /b\nFrom builder")
        #expect(dockerfile.stages.map(\.name) == ["Builder", nil])
        #expect(dockerfile.stages[0].instructions[0].keyword == "COPY")
        let resolution = try dockerfile.resolve()
        #expect(resolution.references.map(\.name) == ["python:3.12"] && resolution.stages[1].base == .stage(0))
        // FROM compares the expanded text with the lower-cased stage name, so `FROM BUILDER` is an image name,
        // and not a valid one.
        #expect(throws: DockerfileError.self) { try Self.parse("FROM a AS builder\nFROM BUILDER").resolve() }
    }

    // MARK: - Heredocs

    @Test("heredocs: several on one line, a file descriptor, JSON form has none, unterminated is an error")
    func heredocRules() throws {
        let stage = try Self.parse(
            "FROM a\nRUN cat <<A 3<<-B >out\nalpha\nA\n\tbeta\n\tB\nRUN [\"echo\", \"<<EOF\"]\nRUN echo $((1<<3))\n"
        ).stages[0]
        let run = stage.instructions[0]
        #expect(run.heredocs.map(\.name) == ["A", "B"] && run.heredocs.map(\.body) == ["alpha\n", "\tbeta\n"])
        #expect(run.heredocs[1].fileDescriptor == 3 && run.heredocs[1].chomp && run.endLine == 6)
        #expect(stage.instructions[1].heredocs.isEmpty && stage.instructions[1].command == .exec(["echo", "<<EOF"]))
        #expect(stage.instructions[2].heredocs.isEmpty)
        #expect(Self.failure("FROM a\nRUN <<EOF\necho never closed\n") == "unterminatedHeredoc@2")
        // ONBUILD RUN may carry one too.
        let onbuild = try Self.parse("FROM a\nONBUILD RUN <<EOF\nmake\nEOF\nUSER x").stages[0].instructions
        #expect(onbuild.map(\.keyword) == ["ONBUILD", "USER"] && onbuild[0].heredocs.first?.body == "make\n")
    }

    // MARK: - Forms and flags

    @Test("exec form only for a JSON array of strings; trailing text after it is ignored, as Go's decoder does")
    func commandForms() throws {
        let stage = try Self.parse(
            "FROM a\nCMD [\"a\", \"b c\"]\nCMD [a, b]\nCMD [\"x\"] trailing\nCMD echo \"$HOME\"\nENTRYPOINT []"
        ).stages[0]
        #expect(
            stage.instructions.map(\.command) == [
                .exec(["a", "b c"]), .shell("[a, b]"), .exec(["x"]), .shell("echo \"$HOME\""), .exec([]),
            ])
        #expect(Self.failure("FROM a\nCMD [\"a\", 1]") == "invalidJSON@2")
        #expect(Self.failure("FROM a\nSHELL bash -c") == "invalidInstruction@2")
    }

    @Test("SHELL changes how shell-form CMD runs; ENTRYPOINT clears a CMD it did not follow in its stage")
    func shellAndEntrypoint() throws {
        let dockerfile = try Self.parse(
            "FROM a AS one\nCMD serve\nFROM one\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                + "ENTRYPOINT run --fast\nFROM one AS three\nENTRYPOINT [\"tini\"]\nCMD [\"serve\"]")
        let configs = try dockerfile.imageConfigs(resolution: try dockerfile.resolve())
        #expect(configs[0].cmd?.argv == ["/bin/sh", "-c", "serve"])
        #expect(configs[1].cmd == nil, "the ENTRYPOINT reset the inherited CMD")
        #expect(configs[1].entrypoint?.argv == ["/bin/bash", "-o", "pipefail", "-c", "run --fast"])
        #expect(configs[2].entrypoint?.argv == ["tini"] && configs[2].cmd?.argv == ["serve"])
    }

    @Test("flags: names, values, bare flags, quotes removed, `--` ends the flags")
    func flags() throws {
        let stage = try Self.parse(
            "FROM a AS b\nFROM a\nCOPY --chown=app:app --chmod=755 --link --from=\"b\" src dst\nRUN -- --not-a-flag"
        ).stages[1]
        let copy = stage.instructions[0]
        #expect(copy.flags.map(\.name) == ["chown", "chmod", "link", "from"])
        #expect(copy.flags.map(\.value) == ["app:app", "755", nil, "b"])
        #expect(copy.flag("from")?.value == "b" && copy.words == ["src", "dst"])
        #expect(stage.instructions[1].command == .shell("--not-a-flag"))
    }

    @Test("a quoted COPY --from is mapped inside its quotes")
    func quotedCopyFrom() throws {
        let text = "FROM python:3.12-slim\nCOPY --from=\"ghcr.io/astral-sh/uv:0.9.5\" /uv /bin/\n"
        let (mapped, _) = try Self.parse(text).rewrite(map: ["ghcr.io/astral-sh/uv:0.9.5": "local/uv:0.9.5"])
        #expect(mapped == "FROM python:3.12-slim\nCOPY --from=\"local/uv:0.9.5\" /uv /bin/\n")
    }

    @Test("variables in COPY --from and --mount from= are refused, as BuildKit refuses them")
    func variablesInFrom() throws {
        let copy = "ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.9.5\nFROM python:3.12\nCOPY --from=${UV_IMAGE} /uv /bin/"
        #expect(Self.failure(copy) == "variableInFrom@3")
        #expect(Self.failure("FROM a\nRUN --mount=type=bind,from=$UV,target=/x true") == "variableInFrom@2")
        // A `$` at the very end is not a variable.
        #expect(Self.failure("FROM a\nRUN --mount=type=bind,from=odd$,target=/x true") == nil)
    }

    @Test("--mount fields: type checked, unknown keys refused, CSV quotes, defaults")
    func mounts() throws {
        #expect(Self.failure("FROM a\nRUN --mount=type=weird,target=/x true") == "invalidFlag@2")
        #expect(Self.failure("FROM a\nRUN --mount=typo=x true") == "invalidFlag@2")
        let mount = try #require(
            try Self.parse("FROM a\nRUN --mount=target=/x,ro,\\\"id=a,b\\\" true").stages[0].instructions[0].mounts
                .first)
        #expect(mount.type == "bind" && mount.target == "/x" && mount.id == "a,b")
        #expect(mount.fields.map(\.key) == ["target", "ro", "id"])
    }

    @Test("COPY --from=N must name a stage; stage names, indexes and scratch are not images")
    func copyFromStages() throws {
        #expect(Self.failure("FROM a\nFROM b\nCOPY --from=2 /x /y") == "invalidStageIndex@3")
        let dockerfile = try Self.parse(
            "FROM a AS one\nFROM b\nCOPY --from=0 /x /y\nCOPY --from=ONE /x /y\nCOPY --from=scratch /x /y\n"
                + "RUN --mount=from=one,target=/m --mount=from=1,target=/n true\nCOPY --from=c /x /y")
        #expect(try dockerfile.baseReferences().map(\.name) == ["a", "b", "c"])
        #expect(try dockerfile.resolve().stages[1].dependencies == [0, 1])
    }

    @Test("HEALTHCHECK: Go durations, retries, NONE, and what BuildKit refuses")
    func healthchecks() throws {
        let check = try #require(
            try Self.parse(
                "FROM a\nHEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=0 "
                    + "--retries=3 CMD [\"curl\", \"-f\", \"http://localhost/\"]"
            ).stages[0].instructions[0].healthcheck)
        #expect(check.interval == 90 && check.timeout == 0.5 && check.startPeriod == 2 && check.startInterval == 0)
        #expect(check.retries == 3 && check.test == ["CMD", "curl", "-f", "http://localhost/"])
        #expect(try Self.parse("FROM a\nhealthcheck none").stages[0].instructions[0].healthcheck?.isDisabled == true)
        for text in [
            "HEALTHCHECK --interval=10 CMD x", "HEALTHCHECK --interval=10ns CMD x", "HEALTHCHECK --retries=-1 CMD x",
        ] {
            #expect(Self.failure("FROM a\n" + text) == "invalidFlag@2", "\(text)")
        }
        for text in ["HEALTHCHECK NONE extra", "HEALTHCHECK WGET x", "HEALTHCHECK CMD", "HEALTHCHECK"] {
            #expect(Self.failure("FROM a\n" + text) == "invalidInstruction@2", "\(text)")
        }
    }

    // MARK: - Errors

    @Test(
        "what BuildKit refuses is refused, with the line",
        arguments: [
            ("", DockerfileError.Code.noInstructions, nil as Int?), ("# only\n\n# comments\n", .noInstructions, nil),
            ("ARG A=1\n", .noStage, nil), ("ARG A=1\nRUN x\nFROM a", .instructionBeforeFrom, 2),
            ("FROM a\nFORM b", .unknownInstruction, 2), ("FROM", .invalidInstruction, 1),
            ("FROM a b", .invalidInstruction, 1), ("FROM a AS 1bad", .invalidInstruction, 1),
            ("FROM a\nARG =x", .invalidInstruction, 2), ("FROM a\nENV A", .invalidInstruction, 2),
            ("FROM a\nENV A=1 B", .invalidInstruction, 2),
        ])
    func refusals(text: String, code: DockerfileError.Code, line: Int?) throws {
        let error = try #require(throws: DockerfileError.self) { try Self.parse(text) }
        #expect(error.code == code && error.line == line)
        #expect(error.description.hasPrefix(line.map { "Dockerfile:\($0): " } ?? "Dockerfile: "))
    }

    // MARK: - Expansion

    @Test("ARG expansion as BuildKit does it: defaults, alternatives, set-but-empty, quotes, escapes, patterns")
    func expansion() throws {
        let values = try Self.globals(
            """
            ARG A=1
            ARG EMPTY=
            ARG V=3.12.1
            ARG B=${A}-x C=${UNSET:-dflt} D=${A:+alt} E=${UNSET+alt} F=${EMPTY-d} G=${EMPTY:-d}
            ARG H=\\$A I='${A}' J="${A} two" K=$A$A L=${EMPTY+set} M=$
            ARG P1=${V#*.} P2=${V##*.} P3=${V%.*} P4=${V%%.*} R1=${V/./-} R2=${V//./-}
            ARG Q=${A:?unused} W=${UNSET-${A}}
            """)
        let expected = [
            "B": "1-x", "C": "dflt", "D": "alt", "E": "", "F": "", "G": "d", "H": "$A", "I": "${A}", "J": "1 two",
            "K": "11", "L": "set", "M": "$", "P1": "12.1", "P2": "1", "P3": "3.12", "P4": "3", "R1": "3-12.1",
            "R2": "3-12-1", "Q": "1", "W": "1",
        ]
        for (key, value) in expected { #expect(values[key] == value, "\(key)") }
        #expect(values["TARGETARCH"] == "amd64" && values["BUILDPLATFORM"] == "linux/amd64")
    }

    @Test("a failing or malformed expansion names the line and what is wrong")
    func expansionFailures() throws {
        let dockerfile = try Self.parse("ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION:?required}")
        let error = try #require(throws: DockerfileError.self) { try dockerfile.resolve() }
        #expect(
            error.code == .invalidExpansion && error.line == 2 && error.message.contains("PYTHON_VERSION: required"))
        #expect(try dockerfile.baseReferences(buildArgs: ["PYTHON_VERSION": "3.13"]).map(\.name) == ["python:3.13"])
        for text in ["ARG A=${B", "ARG A=${}", "ARG A=${B:x}", "ARG A=\"open"] {
            let bad = try Self.parse(text + "\nFROM scratch")
            #expect(throws: DockerfileError.self, "\(text)") { try bad.resolve() }
        }
    }

    @Test("build arguments override declared ARGs only; FROM sees global ARGs, a stage only redeclared ones")
    func argumentScopes() throws {
        let undeclared = try Self.parse("FROM python:${V:-3.12}")
        #expect(try undeclared.baseReferences(buildArgs: ["V": "3.13"]).map(\.name) == ["python:3.12"])
        let dockerfile = try Self.parse("ARG V=1\nFROM scratch AS plain\nENV X=$V\nFROM scratch\nARG V\nENV X=$V")
        let configs = try dockerfile.imageConfigs(resolution: try dockerfile.resolve())
        #expect(configs[0].environment["X"] == "$V", "not in the stage's scope: left to the base image")
        #expect(configs[1].environment["X"] == "1")
        let overridden = try dockerfile.resolve(buildArgs: ["V": "2"])
        #expect(try dockerfile.imageConfigs(resolution: overridden, buildArgs: ["V": "2"])[1].environment["X"] == "2")
    }

    @Test("FROM names a stage only when the stage came before; else it is an image")
    func stageOrder() throws {
        let dockerfile = try Self.parse("FROM later AS first\nFROM python:3.12 AS later\nFROM later")
        let resolution = try dockerfile.resolve()
        #expect(
            resolution.references.map(\.image.normalized) == [
                "docker.io/library/later:latest", "docker.io/library/python:3.12",
            ])
        #expect(resolution.stages[2].base == .stage(1))
    }

    @Test("a FROM that expands to nothing or to an invalid name is an error at its line")
    func invalidBases() throws {
        let empty = try #require(throws: DockerfileError.self) { try Self.parse("ARG IMG\nFROM ${IMG}").resolve() }
        #expect(empty.code == .invalidImageReference && empty.line == 2 && empty.message.contains("--build-arg"))
        let upper = try #require(throws: DockerfileError.self) { try Self.parse("FROM Python:3").resolve() }
        #expect(upper.code == .invalidImageReference && upper.message.contains("lowercase"))
    }

    // MARK: - Rewrite

    @Test("map keys match normalised names both ways; a digest is part of the name")
    func normalisedMapKeys() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let text =
            "FROM python:3.12-slim\nFROM docker.io/library/python:3.12-slim\nFROM python\nFROM python@\(digest)\n"
        let (mapped, replacements) = try Self.parse(text).rewrite(map: [
            "docker.io/library/python:3.12-slim": "l/a", "python:latest": "l/b", "python@\(digest)": "l/c",
        ])
        #expect(mapped == "FROM l/a\nFROM l/a\nFROM l/b\nFROM l/c\n")
        #expect(
            replacements.map(\.written) == [
                "python:3.12-slim", "docker.io/library/python:3.12-slim", "python",
                "python@\(digest)",
            ])
    }

    @Test("everything but the mapped names is kept byte for byte: tabs, comments, no final newline")
    func byteForByte() throws {
        let text = "# base\t \nFROM\tpython:3.12  AS  b\n\n  # indented comment\nRUN  x\t"
        let dockerfile = try Self.parse(text)
        #expect(try dockerfile.rewrite(map: [:]).text == text)
        #expect(try dockerfile.rewrite(map: ["python:3.10": "l/x"]) == (text, []))
        let error = try #require(throws: DockerfileError.self) {
            try Self.parse("FROM a AS b\nFROM python:3.12").rewrite(map: ["python:3.12": "Not Valid"])
        }
        #expect(error.code == .invalidImageReference && error.line == 2)
        let (mapped, _) = try Self.parse("FROM python:3.12 AS b\nRUN x").rewrite(map: ["python:3.12": "l/x"])
        #expect(mapped == "FROM l/x AS b\nRUN x")
    }

    @Test("an unavailable base says which line names it and the flag that maps it")
    func unavailableMessage() throws {
        let reference = try #require(
            try Self.parse("FROM a\nCOPY --from=ghcr.io/astral-sh/uv:0.9.5 /uv /bin/")
                .baseReferences().last)
        let error = reference.unavailableError()
        #expect(error.code == .unmappedBaseImage && error.line == 2)
        #expect(error.description.hasPrefix("Dockerfile:2: COPY --from ghcr.io/astral-sh/uv:0.9.5"))
        #expect(error.message.contains("--base-image ghcr.io/astral-sh/uv:0.9.5=LOCAL-IMAGE"))
    }
}
