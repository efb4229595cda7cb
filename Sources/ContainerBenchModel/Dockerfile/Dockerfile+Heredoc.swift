import Foundation

extension Dockerfile {
    /// A here-document of RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`), kept as the instruction's body.
    public struct Heredoc: Sendable, Equatable {
        /// The delimiter with quotes removed: `EOF`.
        public var name: String
        /// The lines between the instruction and the delimiter, with their line ends, exactly as in the file.
        public var body: String
        /// `<<-`: leading tabs are stripped from the body and the delimiter line.
        public var chomp: Bool
        /// False when the delimiter was quoted: variables in the body are not expanded.
        public var expand: Bool
        /// The file descriptor of `3<<EOF`, or nil.
        public var fileDescriptor: Int?
        /// 1-based line of the delimiter that ends the body.
        public var endLine: Int

        /// A here-document as read from the file.
        public init(name: String, body: String, chomp: Bool, expand: Bool, fileDescriptor: Int?, endLine: Int) {
            self.name = name
            self.body = body
            self.chomp = chomp
            self.expand = expand
            self.fileDescriptor = fileDescriptor
            self.endLine = endLine
        }

        /// The body as the command or file receives it: with `<<-`, leading tabs of every line removed.
        public var content: String {
            guard chomp else { return body }
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            for index in lines.indices { lines[index] = lines[index].drop { $0 == "\t" } }
            return lines.joined(separator: "\n")
        }
    }
}
