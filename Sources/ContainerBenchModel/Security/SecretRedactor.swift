import Foundation

/// Masks secrets in text before anything is stored, logged, plotted or reported.
///
/// Three rules, applied in this order:
/// 1. **Known values.** The values of variables whose name looks secret (`…TOKEN`, `…KEY`, `…PASSWORD`, …) and
///    values whose shape is a secret's (a GitHub, GitLab, Slack, AWS, OpenAI, PyPI or npm token, a JWT, a private
///    key, a high-entropy string) are masked wherever they occur, also JSON-escaped.
/// 2. **Assignments.** `NAME=value` is masked to `NAME=[redacted]` for every build argument and container variable
///    the run passes (Docker records build arguments as `|N NAME=value …` in a layer's history) and for every
///    secret-looking name, known or not (`ENV API_KEY=…` in a base image's layer).
/// 3. **Shapes in free text.** Passwords in URLs (`scheme://user:PASSWORD@host`), `Bearer` tokens, private-key
///    blocks and the token formats of rule 1, in any text.
///
/// What it cannot see: a secret under an innocent name, with no token shape, that a build prints somewhere other
/// than its `NAME=` assignment. Builds that need a credential should use `--secret` and `RUN --mount=type=secret`,
/// which never put it in a layer.
public struct SecretRedactor: Sendable, Equatable {
    /// What a masked value becomes (JSON-safe, shell-safe, unlikely in real text).
    public static let mask = "[redacted]"
    /// Parts of a variable name that mark it as holding a secret.
    public static let secretMarkers = [
        "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL", "PRIVATE", "KEY", "AUTH", "DSN", "PAT",
    ]
    /// Names that contain a marker but are well-known public values.
    public static let publicNames: Set<String> = [
        "GPG_KEY", "PYTHON_GPG_KEY", "KEYRING", "PATH", "PYTHONPATH", "LD_LIBRARY_PATH", "MANPATH", "PKG_CONFIG_PATH",
        "PATCH", "PRIVATE_REGISTRY",
    ]
    /// Values shorter than this are never masked bare (they would wipe common words and numbers).
    public static let minimumValueLength = 4

    /// Values masked wherever they occur, longest first.
    public private(set) var values: [String] = []
    /// Names whose `NAME=value` assignments are masked whatever the name.
    public private(set) var names: Set<String> = []

    /// A redactor for `values` (masked bare) and `names` (assignments masked).
    public init(values: some Sequence<String> = [String](), names: some Sequence<String> = [String]()) {
        for value in values { addValue(value) }
        self.names = Set(names.filter(Self.isVariableName))
    }

    /// Adds a variable the run passes: its assignments are masked, and its value bare when the name or the value
    /// looks secret (or `always`).
    public mutating func add(name: String, value: String, always: Bool = false) {
        if Self.isVariableName(name) { names.insert(name) }
        if always || Self.isSecretName(name) || Self.looksLikeSecret(value) { addValue(value) }
    }

    /// Adds everything of `other`.
    public mutating func merge(_ other: SecretRedactor) {
        for value in other.values { addValue(value) }
        names.formUnion(other.names)
    }

    mutating func addValue(_ raw: String) {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count >= Self.minimumValueLength, !values.contains(value) else { return }
        values.append(value)
        values.sort { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    // MARK: - Redacting

    /// `text` with every secret masked.
    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var text = text
        for value in values {
            text = text.replacingOccurrences(of: value, with: Self.mask)
            let escaped = Self.jsonEscaped(value)
            if escaped != value { text = text.replacingOccurrences(of: escaped, with: Self.mask) }
        }
        text = Self.replacing(Self.assignment, in: text) { groups in
            let name = groups[1]
            guard self.names.contains(name) || Self.isSecretName(name), groups[2] != Self.mask else { return nil }
            return "\(name)=\(Self.mask)"
        }
        for shape in Self.shapes {
            text = Self.replacing(shape.pattern, in: text) { groups in
                shape.keep.map { groups[$0] + Self.mask + (shape.suffix.map { groups[$0] } ?? "") } ?? Self.mask
            }
        }
        return text
    }

    /// `value` with every string in it masked: the value is encoded, each string of the encoding redacted, and
    /// the result decoded (so no field can be forgotten when a record gains one).
    /// - Throws: the coding error when `T`'s encoding does not decode back (never for the records of this module).
    public func redacting<T: Codable>(_ value: T) throws -> T {
        let data = try JSONEncoder().encode(value)
        let tree = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let redacted = try JSONSerialization.data(withJSONObject: walk(tree), options: [.fragmentsAllowed])
        return try JSONDecoder().decode(T.self, from: redacted)
    }

    func walk(_ node: Any) -> Any {
        switch node {
        case let string as String: redact(string)
        case let array as [Any]: array.map(walk)
        case let object as [String: Any]: object.mapValues(walk)
        default: node
        }
    }

    // MARK: - What looks secret

    /// Whether a variable name looks like it holds a secret (`DEPLOY_TOKEN`, `api_key`, `DB_PASSWORD`).
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        guard !publicNames.contains(upper) else { return false }
        // Long markers anywhere (`DBPASSWORD`); short ones end a word (`API_KEY`, `APIKEY`, `OAUTH_ID`), so that
        // `KEYBOARD` or `PATH` is not a secret; PAT and DSN must be whole words.
        let words = upper.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return secretMarkers.contains { marker in
            switch marker.count {
            case 5...: upper.contains(marker)
            case _ where marker == "PAT" || marker == "DSN": words.contains(marker)
            default: words.contains { $0.hasSuffix(marker) }
            }
        }
    }

    /// Whether a value has the shape of a secret: a known token format, a JWT, a private key, a URL with a
    /// password, or a long string of mixed letters and digits (≥ 20 characters, upper and lower case and digits,
    /// none of the separators of versions, paths and host names).
    public static func looksLikeSecret(_ value: String) -> Bool {
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if shapes.contains(where: { matches($0.pattern, value) }) { return true }
        guard value.count >= 20, !value.contains(where: { ".:/ @".contains($0) }) else { return false }
        let scalars = value.unicodeScalars
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-+=~"))
        guard scalars.allSatisfy({ allowed.contains($0) && $0.isASCII }) else { return false }
        return value.contains(where: \.isUppercase) && value.contains(where: \.isLowercase)
            && value.contains(where: \.isNumber)
    }

    static func isVariableName(_ name: String) -> Bool {
        matches(variableName, name)
    }

    // MARK: - Patterns

    static let variableName = pattern(#"^[A-Za-z_][A-Za-z0-9_.-]*$"#)
    /// `NAME=value`: a quoted value, or one up to white space, a quote, a comma, a semicolon or a backslash.
    static let assignment = pattern(#"(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|[^\s"',;\\]+)"#)

    struct Shape: Sendable {
        var pattern: NSRegularExpressionBox
        /// The group kept before the mask (nil: the whole match is masked).
        var keep: Int?
        /// The group kept after the mask.
        var suffix: Int?
    }

    static let shapes: [Shape] = [
        // A password in a URL: scheme://user:PASSWORD@host.
        Shape(pattern: pattern(#"([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@"']*:)([^@\s/"']+)(@)"#), keep: 1, suffix: 3),
        Shape(pattern: pattern(#"(Bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)"#), keep: 1),
        Shape(
            pattern: pattern(
                #"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"#)),
        Shape(pattern: pattern(#"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"#)),
        Shape(pattern: pattern(#"\bgithub_pat_[A-Za-z0-9_]{20,}"#)),
        Shape(pattern: pattern(#"\bglpat-[A-Za-z0-9_-]{20,}"#)),
        Shape(pattern: pattern(#"\bxox[abprs]-[A-Za-z0-9-]{10,}"#)),
        Shape(pattern: pattern(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#)),
        Shape(pattern: pattern(#"\bsk-[A-Za-z0-9_-]{20,}"#)),
        Shape(pattern: pattern(#"\bpypi-[A-Za-z0-9_-]{40,}"#)),
        Shape(pattern: pattern(#"\bnpm_[A-Za-z0-9]{36}\b"#)),
        Shape(pattern: pattern(#"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#)),
    ]

    static func pattern(_ text: String) -> NSRegularExpressionBox {
        // The patterns are constants of this file; a typo is caught by the first test that loads the type.
        do {
            return NSRegularExpressionBox(try NSRegularExpression(pattern: text))
        } catch {
            fatalError("SecretRedactor: the built-in pattern \(text) does not compile: \(error)")
        }
    }

    static func matches(_ box: NSRegularExpressionBox, _ text: String) -> Bool {
        box.expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `text` with each match of `box` replaced by `replacement(groups)` (nil keeps the match).
    static func replacing(
        _ box: NSRegularExpressionBox, in text: String, _ replacement: ([String]) -> String?
    ) -> String {
        let matches = box.expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty else { return text }
        var result = ""
        var cursor = text.startIndex
        for match in matches {
            guard let whole = Range(match.range, in: text) else { continue }
            let groups = (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
            guard let replaced = replacement(groups) else { continue }
            result += text[cursor..<whole.lowerBound]
            result += replaced
            cursor = whole.upperBound
        }
        result += text[cursor...]
        return result
    }

    static func jsonEscaped(_ value: String) -> String {
        guard let data = try? JSONEncoder().encode(value), let quoted = String(data: data, encoding: .utf8) else {
            return value
        }
        return String(quoted.dropFirst().dropLast())
    }
}

/// An `NSRegularExpression`, which is immutable and safe to share, marked so for Swift 6.
struct NSRegularExpressionBox: @unchecked Sendable {
    let expression: NSRegularExpression
    init(_ expression: NSRegularExpression) { self.expression = expression }
}

extension SecretRedactor {
    /// Equality by rules: the patterns are shared constants.
    public static func == (lhs: SecretRedactor, rhs: SecretRedactor) -> Bool {
        lhs.values == rhs.values && lhs.names == rhs.names
    }
}
