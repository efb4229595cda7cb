import Foundation

/// A BuildKit build secret (`--secret id=ID,src=PATH` or `--secret id=ID,env=VAR`): mounted for `RUN
/// --mount=type=secret,id=ID` steps only, never written to a layer, and masked wherever its value shows up.
public struct BuildSecret: Sendable, Codable, Equatable {
    /// Where the value comes from.
    public enum Source: Sendable, Codable, Equatable {
        /// A file on this machine (absolute path).
        case file(String)
        /// An environment variable of this process.
        case environment(String)
    }

    /// The id `RUN --mount=type=secret,id=ID` names.
    public var id: String
    public var source: Source

    /// A secret `id` from `source`.
    public init(id: String, source: Source) {
        self.id = id
        self.source = source
    }

    /// Parses the docker CLI's form, `id=ID,src=PATH` (also `source=`), `id=ID,env=VAR`, or `id=ID` alone (the
    /// environment variable of that name, as `docker build` does); a relative path is resolved against
    /// `directory`.
    /// - Throws: `ConfigError` naming `flag` and what is wrong.
    public static func parse(_ text: String, flag: String = "--secret", relativeTo directory: URL) throws(ConfigError)
        -> BuildSecret
    {
        var fields: [String: String] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[1].isEmpty else {
                throw ConfigError(
                    file: flag, message: "'\(part)' is not KEY=VALUE (want id=ID,src=PATH or id=ID,env=VAR)")
            }
            guard ["id", "src", "source", "env", "type"].contains(pair[0]) else {
                throw ConfigError(file: flag, message: "unknown field '\(pair[0])' (id, src, env and type are known)")
            }
            guard fields[pair[0] == "source" ? "src" : pair[0]] == nil else {
                throw ConfigError(file: flag, message: "'\(pair[0])' given twice")
            }
            fields[pair[0] == "source" ? "src" : pair[0]] = pair[1]
        }
        guard let id = fields["id"], id.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw ConfigError(file: flag, message: "needs id=ID (letters, digits, '_', '-', '.')")
        }
        if let type = fields["type"], type != (fields["env"] != nil ? "env" : "file") {
            throw ConfigError(file: flag, message: "type=\(type) does not match the source given")
        }
        switch (fields["src"], fields["env"]) {
        case (let path?, nil):
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else {
                throw ConfigError(file: flag, message: "secret \(id): no file \(url.path)")
            }
            return BuildSecret(id: id, source: .file(url.standardizedFileURL.path))
        case (nil, let variable):
            let name = variable ?? id
            guard ProcessInfo.processInfo.environment[name] != nil else {
                throw ConfigError(file: flag, message: "secret \(id): the environment variable \(name) is not set")
            }
            return BuildSecret(id: id, source: .environment(name))
        case (.some, .some):
            throw ConfigError(file: flag, message: "secret \(id): give src= or env=, not both")
        }
    }

    /// The value, read now (nil when it cannot be read; a secret file over 1 MiB is not read).
    public func value() -> String? {
        switch source {
        case .file(let path):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? NSNumber, size.int64Value <= 1 << 20,
                let data = FileManager.default.contents(atPath: path)
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        case .environment(let name):
            return ProcessInfo.processInfo.environment[name]
        }
    }

    /// The build client's argument: `id=ID,src=PATH` or `id=ID,env=VAR` (the value never is on a command line).
    public var argument: String {
        switch source {
        case .file(let path): "id=\(id),src=\(path)"
        case .environment(let name): "id=\(id),env=\(name)"
        }
    }
}
