import ContainerBench
import Foundation

/// The built `containerbench` executable, for end-to-end tests.
public enum Binary {
    /// The package root (found from this file's path).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The debug build's binary (swift test builds it with the tests).
    public static var path: String {
        let candidates = [".build/debug/containerbench", ".build/x86_64-unknown-linux-gnu/debug/containerbench"]
        return candidates.map { packageRoot.appendingPathComponent($0).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs the binary with `arguments` from the package root, or from `directory` (as a user in their own
    /// repository would).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil
    ) async throws -> ProcessResult {
        try await ProcessRunner.run(
            path, arguments, environment: environment, workingDirectory: directory ?? packageRoot.path)
    }
}
