import Foundation

/// Quote removal and variable expansion of one Dockerfile word, as BuildKit's `shell.Lex` does it
/// (`frontend/dockerfile/shell/lex.go`): `'...'`, `"..."`, the escape token, `$VAR`, `${VAR}`, `${VAR:-w}`,
/// `${VAR-w}`, `${VAR:+w}`, `${VAR+w}`, `${VAR:?m}`, `${VAR?m}`, `${VAR#p}`, `${VAR##p}`, `${VAR%p}`,
/// `${VAR%%p}`, `${VAR/p/r}` and `${VAR//p/r}`.
struct ShellWordLexer: Sendable {
    /// Why a word cannot be expanded; the caller adds file and line.
    struct Failure: Error, Sendable, Equatable {
        var message: String
    }

    /// `\` by default, `` ` `` after `# escape=``.
    var escape: Unicode.Scalar
    /// Leave `$NAME` and `${NAME...}` of unset variables as written (BuildKit's `SkipUnsetEnv`, for heredoc
    /// delimiters) instead of expanding them to "".
    var keepsUnsetVariables = false

    init(escape: Unicode.Scalar, keepsUnsetVariables: Bool = false) {
        self.escape = escape
        self.keepsUnsetVariables = keepsUnsetVariables
    }

    /// The word with quotes removed and variables expanded from `environment` (unset variables expand to "").
    func expand(_ word: String, environment: [String: String]) throws(Failure) -> String {
        var scanner = Scanner(
            scalars: Array(word.unicodeScalars), escape: escape, environment: environment,
            keepsUnset: keepsUnsetVariables)
        return try scanner.run().result
    }

    /// The word split into fields after expansion (BuildKit's `ProcessWords`): quoted parts stay one field.
    func words(_ word: String, environment: [String: String]) throws(Failure) -> [String] {
        var scanner = Scanner(
            scalars: Array(word.unicodeScalars), escape: escape, environment: environment,
            keepsUnset: keepsUnsetVariables)
        return try scanner.run().words
    }

    /// Whether expansion would change the word at all (a variable, a quote or an escape in it).
    func needsExpansion(_ word: String) -> Bool {
        guard let expanded = try? expand(word, environment: [:]) else { return true }
        return expanded != word
    }

    private struct Fields {
        var word = ""
        var words: [String] = []
        var inWord = false

        mutating func add(_ scalar: Unicode.Scalar) {
            if scalar.isDockerSpace {
                if inWord, !word.isEmpty {
                    words.append(word)
                    word = ""
                    inWord = false
                }
            } else {
                addRaw(scalar)
            }
        }

        mutating func addRaw(_ scalar: Unicode.Scalar) {
            word.unicodeScalars.append(scalar)
            inWord = true
        }

        mutating func add(expanded text: String) {
            for scalar in text.unicodeScalars { add(scalar) }
        }

        mutating func add(quoted text: String) {
            word += text
            inWord = true
        }

        mutating func finish() -> [String] {
            if !word.isEmpty {
                words.append(word)
                word = ""
                inWord = false
            }
            return words
        }
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        let escape: Unicode.Scalar
        let environment: [String: String]
        let keepsUnset: Bool
        var position = 0
        var rawEscapes = false
        /// `${...}` nesting; bounded so that hostile input cannot exhaust the stack.
        var depth = 0
        static let maximumDepth = 64

        init(scalars: [Unicode.Scalar], escape: Unicode.Scalar, environment: [String: String], keepsUnset: Bool) {
            self.scalars = scalars
            self.escape = escape
            self.environment = environment
            self.keepsUnset = keepsUnset
        }

        func peek() -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func next() -> Unicode.Scalar? {
            guard position < scalars.count else { return nil }
            defer { position += 1 }
            return scalars[position]
        }

        mutating func run() throws(Failure) -> (result: String, words: [String]) {
            try process(until: nil, rawEscapes: false)
        }

        mutating func process(until stop: Unicode.Scalar?, rawEscapes raw: Bool) throws(Failure) -> (
            result: String, words: [String]
        ) {
            let saved = rawEscapes
            rawEscapes = raw
            defer { rawEscapes = saved }
            var result = String.UnicodeScalarView()
            var fields = Fields()
            while let scalar = peek() {
                if let stop, scalar == stop {
                    position += 1
                    return (String(result), fields.finish())
                }
                switch scalar {
                case "'":
                    let text = try singleQuoted()
                    result.append(contentsOf: text.unicodeScalars)
                    fields.add(quoted: text)
                case "\"":
                    let text = try doubleQuoted()
                    result.append(contentsOf: text.unicodeScalars)
                    fields.add(quoted: text)
                case "$":
                    let text = try dollar()
                    result.append(contentsOf: text.unicodeScalars)
                    fields.add(expanded: text)
                default:
                    position += 1
                    if scalar == escape {
                        if rawEscapes {
                            fields.addRaw(scalar)
                            result.append(scalar)
                        }
                        // An escape token at the very end is dropped.
                        guard let escaped = next() else { break }
                        fields.addRaw(escaped)
                        result.append(escaped)
                    } else {
                        fields.add(scalar)
                        result.append(scalar)
                    }
                }
            }
            if let stop {
                throw Failure(message: "unexpected end of statement while looking for matching \(Character(stop))")
            }
            return (String(result), fields.finish())
        }

        mutating func singleQuoted() throws(Failure) -> String {
            position += 1
            var text = String.UnicodeScalarView()
            while true {
                guard let scalar = next() else {
                    throw Failure(message: "unexpected end of statement while looking for matching single-quote")
                }
                if scalar == "'" { return String(text) }
                text.append(scalar)
            }
        }

        mutating func doubleQuoted() throws(Failure) -> String {
            position += 1
            var text = String.UnicodeScalarView()
            while true {
                guard let scalar = peek() else {
                    throw Failure(message: "unexpected end of statement while looking for matching double-quote")
                }
                if scalar == "\"" {
                    position += 1
                    return String(text)
                }
                if scalar == "$" {
                    text.append(contentsOf: try dollar().unicodeScalars)
                    continue
                }
                position += 1
                var character = scalar
                if scalar == escape {
                    if rawEscapes { text.append(scalar) }
                    guard let following = peek() else { continue }
                    // Inside double quotes the escape token only escapes `"`, `$` and itself.
                    if following == "\"" || following == "$" || following == escape {
                        character = following
                        position += 1
                    }
                }
                text.append(character)
            }
        }

        mutating func dollar() throws(Failure) -> String {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else {
                throw Failure(message: "${...} nested more than \(Self.maximumDepth) deep")
            }
            position += 1
            guard peek() == "{" else {
                let name = self.name()
                if name.isEmpty { return "$" }
                if keepsUnset, environment[name] == nil { return "$" + name }
                return environment[name] ?? ""
            }
            position += 1
            switch peek() {
            case nil: throw Failure(message: "syntax error: missing '}'")
            case "{", "}", ":": throw Failure(message: "syntax error: bad substitution")
            default: break
            }
            let name = self.name()
            guard var modifier = next() else { throw Failure(message: "syntax error: missing '}'") }
            if modifier == "}" {
                if keepsUnset, environment[name] == nil { return "${\(name)}" }
                return environment[name] ?? ""
            }
            var nullIsUnset = false
            var written = String(Character(modifier))
            if modifier == ":" {
                nullIsUnset = true
                guard let following = next() else { throw Failure(message: "syntax error: missing '}'") }
                modifier = following
                written.unicodeScalars.append(following)
            } else if modifier == "/" {
                return try replacement(name: name)
            }
            guard nullIsUnset || "+-?#%".unicodeScalars.contains(modifier) else {
                throw Failure(message: "unsupported modifier (\(written)) in substitution")
            }
            let argument = try closingWord(rawEscapes: modifier == "#" || modifier == "%")
            let value = environment[name]
            if keepsUnset, value == nil { return "${\(name)\(written)\(argument)}" }
            let unset = value == nil || (nullIsUnset && value == "")
            switch modifier {
            case "-":
                return unset ? argument : value ?? ""
            case "+":
                return unset ? "" : argument
            case "?":
                guard let value else {
                    throw Failure(message: "\(name): \(argument.isEmpty ? "is not allowed to be unset" : argument)")
                }
                if nullIsUnset, value.isEmpty {
                    throw Failure(message: "\(name): \(argument.isEmpty ? "is not allowed to be empty" : argument)")
                }
                return value
            case "#", "%":
                var pattern = argument
                var greedy = false
                if pattern.unicodeScalars.first == modifier {
                    greedy = true
                    pattern.unicodeScalars.removeFirst()
                }
                let glob = try Glob(pattern)
                return modifier == "#"
                    ? glob.trimmingPrefix(of: value ?? "", greedy: greedy)
                    : glob.trimmingSuffix(of: value ?? "", greedy: greedy)
            default:
                throw Failure(message: "unsupported modifier (\(written)) in substitution")
            }
        }

        mutating func closingWord(rawEscapes raw: Bool) throws(Failure) -> String {
            do {
                return try process(until: "}", rawEscapes: raw).result
            } catch {
                if peek() == nil { throw Failure(message: "syntax error: missing '}'") }
                throw error
            }
        }

        mutating func replacement(name: String) throws(Failure) -> String {
            let all = peek() == "/"
            if all { position += 1 }
            let pattern: String
            do {
                pattern = try process(until: "/", rawEscapes: true).result
            } catch {
                if peek() == nil { throw Failure(message: "syntax error: missing '/' in ${}") }
                throw error
            }
            let replacement = try closingWord(rawEscapes: true)
            let glob = try Glob(pattern)
            return glob.replacing(in: environment[name] ?? "", with: replacement, all: all)
        }

        /// A variable name: letters, digits and `_`; a run of digits; or one special parameter.
        mutating func name() -> String {
            var name = String.UnicodeScalarView()
            while let scalar = peek() {
                if name.isEmpty, ("0"..."9").contains(scalar) {
                    while let digit = peek(), ("0"..."9").contains(digit) {
                        name.append(digit)
                        position += 1
                    }
                    return String(name)
                }
                if name.isEmpty, "@*#?-$!0".unicodeScalars.contains(scalar) {
                    position += 1
                    return String(Character(scalar))
                }
                guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" else {
                    break
                }
                name.append(scalar)
                position += 1
            }
            return String(name)
        }
    }

    /// A shell pattern of `${VAR#p}` and friends: `*`, `?` and literal characters (`\*`, `\?`, `\\` escaped).
    private struct Glob {
        enum Token: Equatable {
            case any
            case one
            case literal(Unicode.Scalar)
        }

        var tokens: [Token] = []

        init(_ pattern: String) throws(Failure) {
            var iterator = Array(pattern.unicodeScalars).makeIterator()
            while let scalar = iterator.next() {
                switch scalar {
                case "*": tokens.append(.any)
                case "?": tokens.append(.one)
                case "\\":
                    guard let escaped = iterator.next() else { continue }
                    if escaped == "}" || escaped == "/" || escaped == "*" || escaped == "?" || escaped == "\\" {
                        tokens.append(.literal(escaped))
                    } else {
                        throw Failure(
                            message: "invalid pattern (\(pattern)) in substitution: invalid escape '\\\(escaped)'")
                    }
                default: tokens.append(.literal(scalar))
                }
            }
        }

        /// Whether the whole of `text` matches; linear backtracking over the last `*`, so long inputs stay cheap.
        func matches(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
            let text = Array(text)
            var textIndex = 0
            var tokenIndex = 0
            var star: Int?
            var resume = 0
            while textIndex < text.count {
                if tokenIndex < tokens.count,
                    tokens[tokenIndex] == .one || tokens[tokenIndex] == .literal(text[textIndex])
                {
                    tokenIndex += 1
                    textIndex += 1
                } else if tokenIndex < tokens.count, tokens[tokenIndex] == .any {
                    star = tokenIndex
                    resume = textIndex
                    tokenIndex += 1
                } else if let star {
                    tokenIndex = star + 1
                    resume += 1
                    textIndex = resume
                } else {
                    return false
                }
            }
            while tokenIndex < tokens.count, tokens[tokenIndex] == .any { tokenIndex += 1 }
            return tokenIndex == tokens.count
        }

        func trimmingPrefix(of value: String, greedy: Bool) -> String {
            let scalars = Array(value.unicodeScalars)
            let lengths = greedy ? Array((0...scalars.count).reversed()) : Array(0...scalars.count)
            for length in lengths where matches(scalars[0..<length]) {
                return Self.string(scalars[length...])
            }
            return value
        }

        func trimmingSuffix(of value: String, greedy: Bool) -> String {
            let scalars = Array(value.unicodeScalars)
            let starts = greedy ? Array(0...scalars.count) : Array((0...scalars.count).reversed())
            for start in starts where matches(scalars[start...]) {
                return Self.string(scalars[..<start])
            }
            return value
        }

        /// The leftmost, longest match replaced (every non-overlapping match with `all`).
        func replacing(in value: String, with replacement: String, all: Bool) -> String {
            let scalars = Array(value.unicodeScalars)
            var result = String.UnicodeScalarView()
            var start = 0
            var replaced = false
            while start <= scalars.count {
                guard !replaced || all, let end = longestMatch(in: scalars, from: start) else {
                    if start < scalars.count { result.append(scalars[start]) }
                    start += 1
                    continue
                }
                result.append(contentsOf: replacement.unicodeScalars)
                replaced = true
                if end == start {
                    if start < scalars.count { result.append(scalars[start]) }
                    start += 1
                } else {
                    start = end
                }
            }
            return String(result)
        }

        private func longestMatch(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
            for end in stride(from: scalars.count, through: start, by: -1) where matches(scalars[start..<end]) {
                return end
            }
            return nil
        }

        private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
    }
}
