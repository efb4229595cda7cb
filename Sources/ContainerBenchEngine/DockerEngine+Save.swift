import ContainerBenchSupport
import Foundation

extension DockerEngine {
    /// Streams `docker save` of `image` (Engine API `GET /images/{name}/get`) into `file`, never holding the
    /// archive in memory. Runs on a curl handle and a thread of its own, so other engine calls are not held up.
    /// - Returns: the bytes written.
    /// - Throws: `EngineError` when the engine refuses (unknown image) or the transfer fails, and when `file`
    ///   cannot be written; a partial file is removed.
    @discardableResult
    public func saveImage(_ image: String, to file: URL) async throws(EngineError) -> Int64 {
        let (connection, stallTimeout) = (self.connection, self.stallTimeout)
        return try await runOnBackgroundThread { () throws(EngineError) -> Int64 in
            try Self.save(image, to: file, connection: connection, stallTimeout: stallTimeout)
        }
    }

    private static func save(
        _ image: String, to file: URL, connection: EngineConnection, stallTimeout: Double
    ) throws(EngineError) -> Int64 {
        let files = FileManager.default
        try? files.removeItem(at: file)
        guard files.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file)
        else {
            throw EngineError(
                .transport,
                "could not create \(file.path) to save image \(image) into: check the directory exists "
                    + "and is writable")
        }
        let http = try CurlEasy()
        var written: Int64 = 0
        var writeFailure: String?
        let response = connection.perform(
            http, path: "/v\(minimumAPIVersion)/images/\(escape(image))/get", timeout: 0,
            stallTimeout: stallTimeout,
            onChunk: { chunk in
                do {
                    try handle.write(contentsOf: chunk)
                    written += Int64(chunk.count)
                    return true
                } catch {
                    writeFailure = "\(error)"
                    return false
                }
            })
        try? handle.close()
        if let writeFailure {
            try? files.removeItem(at: file)
            throw EngineError(
                .transport, "could not write the saved image \(image) to \(file.path): \(writeFailure) (disk full?)")
        }
        guard response.transportSucceeded else {
            try? files.removeItem(at: file)
            throw EngineError(
                .transport, "could not save image \(image): \(response.curlMessage) (engine \(connection.display))")
        }
        guard response.status == 200 else {
            let body = (try? Data(contentsOf: file)) ?? Data()
            try? files.removeItem(at: file)
            throw EngineError(
                response.status == 404 ? .notFound : .http,
                "could not save image \(image): \(daemonMessage(body))", status: response.status)
        }
        return written
    }

    /// Follows the health and exit events of containers labelled `label` (`EngineEventStream`, on its own thread).
    public func followEvents(label: String) async -> any ContainerEventSource {
        let connection = self.connection
        // The stream's constructor waits (up to 3 s) for the engine to accept the request: not on the pool.
        return await runOnBackgroundThread { EngineEventStream(connection: connection, label: label) }
    }
}
