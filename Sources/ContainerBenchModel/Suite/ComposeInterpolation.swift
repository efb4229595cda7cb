import Foundation

/// Variable interpolation in compose file values, as docker compose does it: `$VAR`, `${VAR}`, `${VAR:-default}`,
/// `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alternative}`, `${VAR+alternative}`, nested in
/// defaults, and `$$` for a literal `$`. A `$` that starts no variable is kept as written.
struct ComposeInterpolation {
    /// Why a value cannot be interpolated; the caller adds file, line and field.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// Looks a variable up: the process environment first, then the `.env` file.
    var lookup: (String) -> String?
    /// Variables used without a value and without a default (compose warns and uses "").
    private(set) var unset: [String] = []

    init(lookup: @escaping (String) -> String?) {
        self.lookup = lookup
    }

    mutating func interpolate(_ text: String) throws(Failure) -> String {
        let scalars = Array(text.unicodeScalars)
        var position = 0
        return try interpolate(scalars, &position, until: nil)
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || (scalar.isASCII && scalar.properties.isAlphabetic)
    }

    private static func isName(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }

    private mutating func interpolate(_ scalars: [Unicode.Scalar], _ position: inout Int, until stop: Unicode.Scalar?)
        throws(Failure) -> String
    {
        var output = String.UnicodeScalarView()
        var depth = 0
        while position < scalars.count {
            let scalar = scalars[position]
            if let stop, scalar == stop, depth == 0 { return String(output) }
            guard scalar == "$", position + 1 < scalars.count else {
                if scalar == "{" { depth += 1 }
                if scalar == "}" { depth -= 1 }
                output.append(scalar)
                position += 1
                continue
            }
            let next = scalars[position + 1]
            if next == "$" {
                output.append("$")
                position += 2
            } else if next == "{" {
                position += 2
                output.append(contentsOf: try braced(scalars, &position).unicodeScalars)
            } else if Self.isNameStart(next) {
                position += 1
                var name = String.UnicodeScalarView()
                while position < scalars.count, Self.isName(scalars[position]) {
                    name.append(scalars[position])
                    position += 1
                }
                output.append(contentsOf: value(String(name)).unicodeScalars)
            } else {
                output.append(scalar)
                position += 1
            }
        }
        if stop != nil { throw Failure(message: "invalid interpolation format: a '${' is missing its '}'") }
        return String(output)
    }

    private mutating func value(_ name: String) -> String {
        if let value = lookup(name) { return value }
        if !unset.contains(name) { unset.append(name) }
        return ""
    }

    /// After `${`: a name, an optional operator and its word, and `}`.
    private mutating func braced(_ scalars: [Unicode.Scalar], _ position: inout Int) throws(Failure) -> String {
        var name = String.UnicodeScalarView()
        while position < scalars.count, Self.isName(scalars[position]) {
            name.append(scalars[position])
            position += 1
        }
        guard let first = name.first, Self.isNameStart(first), position < scalars.count else {
            throw Failure(message: "invalid interpolation format: '${' must be followed by a variable name and '}'")
        }
        let variable = String(name)
        if scalars[position] == "}" {
            position += 1
            return value(variable)
        }
        var colon = false
        if scalars[position] == ":" {
            colon = true
            position += 1
        }
        guard position < scalars.count, "-?+".unicodeScalars.contains(scalars[position]) else {
            throw Failure(
                message: "invalid interpolation format for ${\(variable)...}: use ${\(variable)}, "
                    + "${\(variable):-default}, ${\(variable):?error} or ${\(variable):+alternative}")
        }
        let operation = scalars[position]
        position += 1
        let word = try interpolate(scalars, &position, until: "}")
        position += 1
        let current = lookup(variable)
        let missing = current == nil || (colon && current == "")
        switch operation {
        case "-":
            return missing ? word : current ?? ""
        case "+":
            return missing ? "" : word
        default:
            guard !missing, let current else {
                throw Failure(
                    message: "required variable \(variable) is missing a value"
                        + (word.isEmpty ? "" : ": \(word)"))
            }
            return current
        }
    }
}
