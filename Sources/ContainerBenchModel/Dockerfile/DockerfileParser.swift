import Foundation

/// Reads a Dockerfile the way BuildKit's frontend does (`frontend/dockerfile/parser` and `instructions`): parser
/// directives, comments, continuations with the escape token, heredocs, flags, JSON and shell forms, stages.
struct DockerfileParser {
    static let keywords: Set<String> = [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
        "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]
    static let heredocKeywords: Set<String> = ["ADD", "COPY", "RUN"]
    static let directiveNames: Set<String> = ["syntax", "escape", "check"]
    static let mountKeys: Set<String> = [
        "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode", "uid", "gid",
        "src", "dst", "destination", "ro", "rw", "readwrite", "env",
    ]

    let source: SourceText
    let file: String
    var escape: Unicode.Scalar = "\\"
    var directives: [Dockerfile.Directive] = []
    var directivesDone = false
    var instructions: [Dockerfile.Instruction] = []

    init(text: String, file: String) {
        source = SourceText(text)
        self.file = file
    }

    func error(_ code: DockerfileError.Code, line: Int?, _ message: String) -> DockerfileError {
        DockerfileError(code, file: file, line: line, message: message)
    }

    var lexer: ShellWordLexer { ShellWordLexer(escape: escape) }

    // MARK: - Lines

    mutating func parse() throws -> Dockerfile {
        var index = 0
        while index < source.lineCount {
            var content = source.content(index)
            if index == 0, content.lowerBound < content.upperBound, source.scalars[content.lowerBound] == "\u{FEFF}" {
                content = (content.lowerBound + 1)..<content.upperBound
            }
            var start = content.lowerBound
            while start < content.upperBound, source.scalars[start].isDockerSpace { start += 1 }
            let line = start..<content.upperBound
            try readDirective(line, number: index + 1)
            index += 1
            if line.isEmpty || source.scalars[line.lowerBound] == "#" { continue }

            let startLine = index
            var logical = TracedText()
            var continues = appendSegment(line, to: &logical)
            while continues, index < source.lineCount {
                let next = source.content(index)
                index += 1
                var first = next.lowerBound
                while first < next.upperBound, source.scalars[first].isDockerSpace { first += 1 }
                // Comment lines and blank lines inside a continuation are dropped, as BuildKit drops them.
                if first == next.upperBound || source.scalars[first] == "#" { continue }
                continues = appendSegment(next, to: &logical)
            }
            guard !logical.trimmed().isEmpty else { continue }
            var instruction = try makeInstruction(logical, startLine: startLine, endLine: index)
            if let keyword = heredocKeyword(of: instruction) {
                for heredoc in try heredocMarkers(in: logical, keyword: keyword, line: startLine) {
                    instruction.heredocs.append(try readHeredoc(heredoc, from: &index, startLine: startLine))
                }
                instruction.endLine = max(instruction.endLine, index)
            }
            let end = source.content(instruction.endLine - 1).upperBound
            instruction.raw = source.string(source.lineStarts[startLine - 1]..<end)
            instructions.append(instruction)
        }
        return try assemble()
    }

    /// Appends one physical line; returns whether it ends in a continuation (the escape token, optionally followed
    /// by spaces or tabs, and not itself escaped), which is then cut off.
    func appendSegment(_ range: Range<Int>, to logical: inout TracedText) -> Bool {
        var end = range.upperBound
        while end > range.lowerBound, source.scalars[end - 1] == " " || source.scalars[end - 1] == "\t" { end -= 1 }
        var continues = false
        if end > range.lowerBound, source.scalars[end - 1] == escape {
            let position = end - 1
            continues = position == range.lowerBound || source.scalars[position - 1] != escape
            if continues { end = position }
        }
        logical.append(TracedText(source, range.lowerBound..<(continues ? end : range.upperBound)))
        return continues
    }

    /// `# name = value` among the leading lines; anything else ends the directives for good.
    mutating func readDirective(_ line: Range<Int>, number: Int) throws {
        guard !directivesDone else { return }
        guard let (name, value) = Self.directive(in: Array(source.scalars[line])),
            Self.directiveNames.contains(name.lowercased())
        else {
            directivesDone = true
            return
        }
        let key = name.lowercased()
        guard !directives.contains(where: { $0.name == key }) else {
            throw error(.invalidDirective, line: number, "only one \(key) parser directive can be used")
        }
        if key == "escape" {
            guard value == "\\" || value == "`" else {
                throw error(
                    .invalidDirective, line: number,
                    "invalid escape token '\(value)': use `# escape=\\` (the default) or `# escape=``")
            }
            escape = value.unicodeScalars.first ?? "\\"
        }
        directives.append(Dockerfile.Directive(name: key, value: value, line: number))
    }

    /// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
    static func directive(in scalars: [Unicode.Scalar]) -> (String, String)? {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { " \t\n\u{0C}\r".unicodeScalars.contains(scalar) }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && scalar.properties.isAlphabetic }
        var index = 0
        guard scalars.first == "#" else { return nil }
        index += 1
        while index < scalars.count, isSpace(scalars[index]) { index += 1 }
        var name = String.UnicodeScalarView()
        guard index < scalars.count, isLetter(scalars[index]) else { return nil }
        while index < scalars.count, isLetter(scalars[index]) || ("0"..."9").contains(scalars[index]) {
            name.append(scalars[index])
            index += 1
        }
        while index < scalars.count, isSpace(scalars[index]) { index += 1 }
        guard index < scalars.count, scalars[index] == "=" else { return nil }
        index += 1
        while index < scalars.count, isSpace(scalars[index]) { index += 1 }
        var end = scalars.count
        while end > index, isSpace(scalars[end - 1]) { end -= 1 }
        guard end > index else { return nil }
        var value = String.UnicodeScalarView()
        value.append(contentsOf: scalars[index..<end])
        return (String(name), String(value))
    }

    // MARK: - Instructions

    mutating func makeInstruction(_ logical: TracedText, startLine: Int, endLine: Int) throws
        -> Dockerfile.Instruction
    {
        let line = logical.trimmed()
        let keywordEnd = line.scalars.firstIndex { $0.isFieldSeparator } ?? line.count
        let keyword = line[0..<keywordEnd].string.uppercased()
        guard Self.keywords.contains(keyword) else {
            let written = line[0..<keywordEnd].string
            throw error(
                .unknownInstruction, line: startLine,
                "unknown instruction '\(written)': if this line continues the one before, that line must end with "
                    + "the escape character \(Character(escape)); otherwise use a Dockerfile instruction (RUN, COPY, ...)"
            )
        }
        let (flagWords, rest) = Self.extractFlags(line[keywordEnd..<line.count])
        let flags = flagWords.map { word -> Dockerfile.Flag in
            let text = word.scalars.starts(with: "--".unicodeScalars) ? word[2..<word.count] : word
            let lineNumber = source.line(of: word.origins.first ?? 0)
            guard let equals = text.scalars.firstIndex(of: "=") else {
                return Dockerfile.Flag(name: text.string, value: nil, line: lineNumber, valueText: nil)
            }
            let value = text[(equals + 1)..<text.count]
            return Dockerfile.Flag(
                name: text[0..<equals].string, value: value.string, line: lineNumber, valueText: value)
        }
        let arguments = rest.trimmed()
        var instruction = Dockerfile.Instruction(
            keyword: keyword, flags: flags, arguments: arguments.string, command: nil, assignments: [], heredocs: [],
            mounts: [], healthcheck: nil, raw: "", startLine: startLine, endLine: endLine, argumentText: arguments)
        switch keyword {
        case "RUN", "CMD", "ENTRYPOINT":
            instruction.command = try commandForm(arguments.string, line: startLine)
            if keyword == "RUN" { instruction.mounts = try mounts(of: flags) }
        case "SHELL":
            let command = try commandForm(arguments.string, line: startLine)
            guard case .exec = command else {
                throw error(
                    .invalidInstruction, line: startLine,
                    "SHELL requires the arguments in JSON form: SHELL [\"/bin/bash\", \"-c\"]")
            }
            instruction.command = command
        case "HEALTHCHECK":
            instruction.healthcheck = try healthcheck(arguments, flags: flags, line: startLine)
            instruction.command = instruction.healthcheck?.command
        case "COPY":
            if let from = instruction.flag("from"), let value = from.value, lexer.needsExpansion(value) {
                throw error(
                    .variableInFrom, line: from.line,
                    "COPY --from=\(value): BuildKit does not expand variables in --from; declare the image in a "
                        + "stage instead (ARG before the first FROM, then FROM ${NAME} AS name, and COPY --from=name)")
            }
        case "ARG", "ENV", "LABEL":
            instruction.assignments = try assignments(of: instruction, line: startLine)
        default:
            break
        }
        return instruction
    }

    /// BuildKit's `extractBuilderFlags`: the `--` words before the arguments, quotes removed and `\` escapes
    /// applied, each character still traced to the file.
    static func extractFlags(_ text: TracedText) -> (flags: [TracedText], rest: TracedText) {
        enum Phase { case spaces, word, quote }
        let scalars = text.scalars
        var words: [TracedText] = []
        var word = TracedText()
        var phase = Phase.spaces
        var quote: Unicode.Scalar = "\""
        var blankOK = false
        var position = 0
        while position <= scalars.count {
            let scalar: Unicode.Scalar? = position < scalars.count ? scalars[position] : nil
            if phase == .spaces {
                guard let scalar else { break }
                if scalar.isDockerSpace {
                    position += 1
                    continue
                }
                if scalar != "-" || position + 1 == scalars.count || scalars[position + 1] != "-" {
                    return (words, text[position..<scalars.count])
                }
                phase = .word
            }
            guard let scalar else {
                if word.string != "--", blankOK || !word.isEmpty { words.append(word) }
                break
            }
            if phase == .word {
                if scalar.isDockerSpace {
                    phase = .spaces
                    if word.string == "--" { return (words, text[position..<scalars.count]) }
                    if blankOK || !word.isEmpty { words.append(word) }
                    word = TracedText()
                    blankOK = false
                    position += 1
                    continue
                }
                if scalar == "'" || scalar == "\"" {
                    quote = scalar
                    blankOK = true
                    phase = .quote
                    position += 1
                    continue
                }
            } else if scalar == quote {
                phase = .word
                position += 1
                continue
            }
            if scalar == "\\" {
                position += 1
                if position == scalars.count {
                    if phase == .quote { phase = .word }
                    continue
                }
            }
            word.append(scalars[position], origin: text.origins[position])
            position += 1
        }
        return (words, TracedText())
    }

    /// Exec form when the text is a JSON array of strings, shell form otherwise; nil for empty text.
    func commandForm(_ text: String, line: Int) throws -> Dockerfile.CommandForm? {
        guard !text.isEmpty else { return nil }
        switch Self.jsonStrings(text) {
        case .strings(let argv): return .exec(argv)
        case .notJSON: return .shell(text)
        case .otherValues:
            throw error(
                .invalidJSON, line: line,
                "when using JSON array syntax, arrays must be comprised of strings only: \(text)")
        }
    }

    enum JSONArray: Equatable {
        case strings([String])
        case otherValues
        case notJSON
    }

    /// Go's `json.NewDecoder(...).Decode(&[]interface{})`: the first JSON value of the text, trailing text ignored.
    static func jsonStrings(_ text: String) -> JSONArray {
        let scalars = Array(text.unicodeScalars.drop { $0.isDockerSpace })
        guard scalars.first == "[" else { return .notJSON }
        var depth = 0
        var inString = false
        var escaped = false
        var end: Int?
        for (index, scalar) in scalars.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                }
                continue
            }
            switch scalar {
            case "\"": inString = true
            case "[", "{": depth += 1
            case "]", "}":
                depth -= 1
                if depth == 0 { end = index + 1 }
            default: break
            }
            if end != nil { break }
        }
        guard let end else { return .notJSON }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[0..<end])
        guard let data = String(view).data(using: .utf8),
            let array = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [Any]
        else { return .notJSON }
        var strings: [String] = []
        for element in array {
            guard let string = element as? String else { return .otherValues }
            strings.append(string)
        }
        return .strings(strings)
    }

    func healthcheck(_ arguments: TracedText, flags: [Dockerfile.Flag], line: Int) throws -> Dockerfile.Healthcheck {
        let text = arguments.string
        let typeEnd = text.firstIndex { $0 == " " || $0 == "\t" } ?? text.endIndex
        let type = text[..<typeEnd].uppercased()
        let rest = text[typeEnd...].trimmingCharacters(in: .whitespaces)
        func seconds(_ name: String) throws -> Double? {
            guard let flag = flags.last(where: { $0.name == name }) else { return nil }
            guard let value = flag.value, let seconds = GoDuration.seconds(value), seconds >= 0 else {
                throw error(
                    .invalidFlag, line: flag.line,
                    "--\(name)=\(flag.value ?? ""): not a duration (write it like 30s, 1m30s or 500ms)")
            }
            guard seconds == 0 || seconds >= 0.001 else {
                throw error(.invalidFlag, line: flag.line, "--\(name)=\(value) cannot be less than 1ms")
            }
            return seconds
        }
        var retries: Int?
        if let flag = flags.last(where: { $0.name == "retries" }) {
            guard let value = flag.value, let count = Int(value), count >= 0 else {
                throw error(.invalidFlag, line: flag.line, "--retries=\(flag.value ?? ""): not a whole number ≥ 0")
            }
            retries = count
        }
        switch type {
        case "NONE":
            guard rest.isEmpty else {
                throw error(.invalidInstruction, line: line, "HEALTHCHECK NONE takes no arguments")
            }
            return Dockerfile.Healthcheck(command: nil, line: line)
        case "CMD":
            guard let command = try commandForm(rest, line: line) else {
                throw error(.invalidInstruction, line: line, "missing command after HEALTHCHECK CMD")
            }
            return Dockerfile.Healthcheck(
                command: command, interval: try seconds("interval"), timeout: try seconds("timeout"),
                startPeriod: try seconds("start-period"), startInterval: try seconds("start-interval"),
                retries: retries, line: line)
        default:
            throw error(
                .invalidInstruction, line: line,
                type.isEmpty
                    ? "HEALTHCHECK requires an argument: CMD command, or NONE"
                    : "unknown type '\(text[..<typeEnd])' in HEALTHCHECK (try CMD)")
        }
    }

    // MARK: - ARG, ENV, LABEL

    /// BuildKit's `parseWords`: white-space separated words, quotes and escapes kept as written.
    func rawWords(_ text: TracedText) -> [TracedText] {
        enum Phase { case spaces, word, quote }
        var words: [TracedText] = []
        var word = TracedText()
        var phase = Phase.spaces
        var quote: Unicode.Scalar = "\""
        var blankOK = false
        var position = 0
        let scalars = text.scalars
        func take() {
            word.append(scalars[position], origin: text.origins[position])
            position += 1
        }
        while position < scalars.count {
            let scalar = scalars[position]
            if phase == .spaces {
                if scalar.isDockerSpace {
                    position += 1
                    continue
                }
                phase = .word
            }
            if phase == .word {
                if scalar.isDockerSpace {
                    phase = .spaces
                    if blankOK || !word.isEmpty { words.append(word) }
                    word = TracedText()
                    blankOK = false
                    position += 1
                    continue
                }
                if scalar == "'" || scalar == "\"" {
                    quote = scalar
                    blankOK = true
                    phase = .quote
                }
                if scalar == escape {
                    if position + 1 == scalars.count {
                        position += 1
                        continue
                    }
                    take()
                }
                take()
                continue
            }
            if scalar == quote {
                phase = .word
            } else if scalar == escape, quote != "'" {
                if position + 1 == scalars.count {
                    phase = .word
                    position += 1
                    continue
                }
                take()
            }
            take()
        }
        if phase != .spaces, blankOK || !word.isEmpty { words.append(word) }
        return words
    }

    /// The `name[=value]` pairs of ARG, or `name=value` / legacy `name value` of ENV and LABEL, values as written.
    func assignments(of instruction: Dockerfile.Instruction, line: Int) throws -> [Dockerfile.Assignment] {
        let words = rawWords(instruction.argumentText).map(\.string)
        let keyword = instruction.keyword
        guard !words.isEmpty else {
            throw error(.invalidInstruction, line: line, "\(keyword) requires at least one argument")
        }
        if keyword == "ARG" {
            return try words.map { word in
                guard let equals = word.firstIndex(of: "=") else { return Dockerfile.Assignment(key: word, value: nil) }
                guard equals != word.startIndex else {
                    throw error(.invalidInstruction, line: line, "ARG names can not be blank: \(word)")
                }
                return Dockerfile.Assignment(
                    key: String(word[..<equals]), value: String(word[word.index(after: equals)...]))
            }
        }
        if !words[0].contains("=") {
            let text = instruction.arguments
            guard let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw error(
                    .invalidInstruction, line: line, "\(keyword) must have two arguments: \(keyword) name=value")
            }
            return [
                Dockerfile.Assignment(
                    key: String(text[..<space]), value: String(text[space...]).trimmingCharacters(in: .whitespaces))
            ]
        }
        return try words.map { word in
            guard let equals = word.firstIndex(of: "=") else {
                throw error(
                    .invalidInstruction, line: line,
                    "can't find = in '\(word)': write \(keyword) name=value (quote values with spaces)")
            }
            return Dockerfile.Assignment(
                key: String(word[..<equals]), value: String(word[word.index(after: equals)...]))
        }
    }

    // MARK: - RUN --mount

    func mounts(of flags: [Dockerfile.Flag]) throws -> [Dockerfile.Mount] {
        try flags.filter { $0.name == "mount" }.map { flag in
            let fields = try Self.csvFields(flag.valueText ?? TracedText(), line: flag.line, file: file)
            var pairs: [(key: String, value: String)] = []
            var fromText: TracedText?
            for field in fields {
                let key: String
                var value = TracedText()
                if let equals = field.scalars.firstIndex(of: "=") {
                    key = field[0..<equals].string.lowercased()
                    value = field[(equals + 1)..<field.count]
                } else {
                    key = field.string.lowercased()
                }
                guard Self.mountKeys.contains(key) else {
                    throw error(
                        .invalidFlag, line: flag.line,
                        "unexpected key '\(key)' in --mount=\(flag.value ?? ""); known keys: "
                            + Self.mountKeys.sorted().joined(separator: ", "))
                }
                let text = value.string
                if key == "from" {
                    if let dollar = text.firstIndex(of: "$"), text.index(after: dollar) != text.endIndex {
                        throw error(
                            .variableInFrom, line: flag.line,
                            "--mount from=\(text): BuildKit does not expand variables there; declare the image in "
                                + "a stage (FROM ${NAME} AS name) and mount from=name")
                    }
                    fromText = value
                }
                if key == "type", !text.contains("$"),
                    !["bind", "cache", "tmpfs", "secret", "ssh"].contains(text.lowercased())
                {
                    throw error(
                        .invalidFlag, line: flag.line,
                        "unsupported mount type '\(text)': use bind, cache, tmpfs, secret or ssh")
                }
                pairs.append((key, text))
            }
            return Dockerfile.Mount(fields: pairs, line: flag.line, fromText: fromText)
        }
    }

    /// Comma-separated fields; a field that starts with `"` runs to the closing quote (`""` is a quote).
    static func csvFields(_ text: TracedText, line: Int, file: String) throws -> [TracedText] {
        var fields: [TracedText] = []
        var field = TracedText()
        var position = 0
        let scalars = text.scalars
        var atFieldStart = true
        while position < scalars.count {
            let scalar = scalars[position]
            if atFieldStart, scalar == "\"" {
                position += 1
                var closed = false
                while position < scalars.count {
                    if scalars[position] == "\"" {
                        if position + 1 < scalars.count, scalars[position + 1] == "\"" {
                            field.append("\"", origin: text.origins[position])
                            position += 2
                            continue
                        }
                        closed = true
                        position += 1
                        break
                    }
                    field.append(scalars[position], origin: text.origins[position])
                    position += 1
                }
                guard closed, position == scalars.count || scalars[position] == "," else {
                    throw DockerfileError(
                        .invalidFlag, file: file, line: line, message: "--mount=\(text.string): unbalanced quote")
                }
                atFieldStart = false
                continue
            }
            atFieldStart = false
            if scalar == "," {
                fields.append(field)
                field = TracedText()
                atFieldStart = true
            } else {
                field.append(scalar, origin: text.origins[position])
            }
            position += 1
        }
        fields.append(field)
        return fields.filter { !$0.isEmpty }
    }

    // MARK: - Heredocs

    struct HeredocMarker {
        var name: String
        var chomp: Bool
        var expand: Bool
        var fileDescriptor: Int?
    }

    /// RUN, COPY and ADD (also behind ONBUILD) in shell form may have heredocs.
    func heredocKeyword(of instruction: Dockerfile.Instruction) -> String? {
        var keyword = instruction.keyword
        var arguments = instruction.arguments
        if keyword == "ONBUILD" {
            let words = instruction.words
            guard let inner = words.first?.uppercased() else { return nil }
            keyword = inner
            arguments = String(arguments.dropFirst(words[0].count))
        }
        guard Self.heredocKeywords.contains(keyword) else { return nil }
        // The JSON (exec) form has no heredocs.
        if case .strings = Self.jsonStrings(arguments) { return nil }
        return keyword
    }

    /// The words of the logical line that open a heredoc: `^(\d*)<<(-?)([^<]*)$`, a single word once unquoted.
    func heredocMarkers(in logical: TracedText, keyword: String, line: Int) throws -> [HeredocMarker] {
        var markers: [HeredocMarker] = []
        for word in rawWords(logical) {
            var scalars = word.scalars[...]
            let digits = scalars.prefix { ("0"..."9").contains($0) }
            scalars = scalars.dropFirst(digits.count)
            guard scalars.starts(with: "<<".unicodeScalars) else { continue }
            scalars = scalars.dropFirst(2)
            let chomp = scalars.first == "-"
            if chomp { scalars = scalars.dropFirst() }
            guard !scalars.isEmpty, !scalars.contains("<") else { continue }
            var rest = String.UnicodeScalarView()
            rest.append(contentsOf: scalars)
            let raw = String(rest)
            let keeping = ShellWordLexer(escape: "\\", keepsUnsetVariables: true)
            guard let names = try? keeping.words(raw, environment: [:]), names.count == 1 else { continue }
            let quotes = { (text: String) in text.filter { $0 == "'" || $0 == "\"" }.count }
            var digitText = String.UnicodeScalarView()
            digitText.append(contentsOf: digits)
            markers.append(
                HeredocMarker(
                    name: names[0], chomp: chomp, expand: quotes(names[0]) == quotes(raw),
                    fileDescriptor: digits.isEmpty ? nil : Int(String(digitText))))
        }
        return markers
    }

    /// The lines after the instruction up to the delimiter line, raw.
    func readHeredoc(_ marker: HeredocMarker, from index: inout Int, startLine: Int) throws -> Dockerfile.Heredoc {
        var body = ""
        while index < source.lineCount {
            let content = source.content(index)
            var start = content.lowerBound
            if marker.chomp { while start < content.upperBound, source.scalars[start] == "\t" { start += 1 } }
            let candidate = source.string(start..<content.upperBound)
            index += 1
            if candidate == marker.name {
                return Dockerfile.Heredoc(
                    name: marker.name, body: body, chomp: marker.chomp, expand: marker.expand,
                    fileDescriptor: marker.fileDescriptor, endLine: index)
            }
            body += source.string(source.fullLine(index - 1))
        }
        throw error(
            .unterminatedHeredoc, line: startLine,
            "unterminated heredoc: no line '\(marker.name)' ends the here-document opened with <<\(marker.name)")
    }

    // MARK: - Stages

    func assemble() throws -> Dockerfile {
        guard !instructions.isEmpty else {
            throw error(.noInstructions, line: nil, "the Dockerfile has no instructions (only comments or blank lines)")
        }
        var globalArgs: [Dockerfile.Instruction] = []
        var stages: [Dockerfile.Stage] = []
        for instruction in instructions {
            if instruction.keyword == "FROM" {
                stages.append(try stage(instruction, index: stages.count))
            } else if stages.isEmpty {
                guard instruction.keyword == "ARG" else {
                    throw error(
                        .instructionBeforeFrom, line: instruction.startLine,
                        "\(instruction.keyword) before the first FROM: only ARG may come before FROM")
                }
                globalArgs.append(instruction)
            } else {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        guard !stages.isEmpty else {
            throw error(.noStage, line: nil, "the Dockerfile has no FROM: there is no stage to build")
        }
        for stage in stages {
            for instruction in stage.instructions where instruction.keyword == "COPY" {
                guard let from = instruction.flag("from"), let value = from.value, let number = Int(value) else {
                    continue
                }
                guard stages.indices.contains(number) else {
                    throw error(
                        .invalidStageIndex, line: from.line,
                        "COPY --from=\(value): there is no stage \(value) (stages are numbered 0 to "
                            + "\(stages.count - 1))")
                }
            }
        }
        return Dockerfile(
            file: file, source: source, escape: Character(escape), directives: directives, globalArgs: globalArgs,
            stages: stages)
    }

    func stage(_ instruction: Dockerfile.Instruction, index: Int) throws -> Dockerfile.Stage {
        let words = instruction.argumentText.whitespaceFields()
        var name: String?
        if words.count == 3, words[1].string.lowercased() == "as" {
            name = words[2].string
        } else if words.count != 1 {
            throw error(
                .invalidInstruction, line: instruction.startLine,
                "FROM takes an image and optionally AS and a stage name (FROM python:3.12-slim AS builder), "
                    + "found '\(instruction.arguments)'")
        }
        if let name {
            let scalars = Array(name.lowercased().unicodeScalars)
            let valid =
                scalars.first.map { ("a"..."z").contains($0) } == true
                && scalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
                }
            guard valid else {
                throw error(
                    .invalidInstruction, line: instruction.startLine,
                    "invalid stage name '\(name)': start with a letter, then letters, digits, '-', '_' or '.'")
            }
        }
        return Dockerfile.Stage(
            index: index, name: name, base: words[0].string, platform: instruction.flag("platform")?.value,
            from: instruction, instructions: [], baseText: words[0])
    }
}
