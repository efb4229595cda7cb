import Foundation

extension Dockerfile {
    /// How RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD give their command.
    public enum CommandForm: Sendable, Equatable {
        /// JSON array: the program and its arguments, no shell.
        case exec([String])
        /// Plain text run by the shell (`SHELL`, `/bin/sh -c` by default).
        case shell(String)

        /// The shell BuildKit uses when no SHELL instruction is given.
        public static let defaultShell = ["/bin/sh", "-c"]

        /// The argument vector the process is started with.
        public func argv(shell: [String] = CommandForm.defaultShell) -> [String] {
            switch self {
            case .exec(let argv): return argv
            case .shell(let text): return shell + [text]
            }
        }

        /// The command as one line of text (exec form joined with spaces), for reading and matching.
        public var text: String {
            switch self {
            case .exec(let argv): return argv.joined(separator: " ")
            case .shell(let text): return text
            }
        }

        /// The program that runs first, best effort: the first exec element, or the first shell word that is not
        /// a variable assignment or `exec`. Nil when it cannot be told (empty command).
        public var executable: String? {
            switch self {
            case .exec(let argv): return argv.first
            case .shell(let text):
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                return words.first { word in
                    word != "exec" && !(word.contains("=") && !word.hasPrefix("=") && !word.hasPrefix("-"))
                }.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
            }
        }
    }
}
