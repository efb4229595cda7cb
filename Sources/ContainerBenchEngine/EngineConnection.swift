import Foundation

/// How libcurl reaches one engine: the URL prefix of every API call, the unix socket to connect through (a local
/// engine's, or the SSH tunnel's), and the TLS files of a verified HTTPS connection. Each curl handle of an engine
/// (calls, the event stream, image saves) uses the same connection.
package struct EngineConnection: Sendable, Equatable {
    /// `http://localhost` for unix sockets and SSH tunnels, `http(s)://HOST:PORT` for TCP.
    package var baseURL: String
    package var unixSocket: String?
    package var tls: EngineTLSFiles?
    /// Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://…`, `ssh://…`.
    package var display: String

    /// Performs one request on `curl` through this connection.
    package func perform(
        _ curl: CurlEasy, method: String = "GET", path: String, headers: [String] = [], body: Data? = nil,
        timeout: Double, connectTimeout: Double = 5, stallTimeout: Double = 0, onChunk: ((Data) -> Bool)? = nil,
        shouldAbort: (() -> Bool)? = nil
    ) -> CurlResponse {
        curl.perform(
            method: method, url: baseURL + path, unixSocket: unixSocket, tls: tls, headers: headers, body: body,
            timeout: timeout, connectTimeout: connectTimeout, stallTimeout: stallTimeout, onChunk: onChunk,
            shouldAbort: shouldAbort)
    }

    /// Whether a failed transfer failed in TLS (handshake, certificate, or the engine refusing ours).
    package static func isTLSFailure(_ response: CurlResponse) -> Bool {
        // 35 connect error, 53/54/58/59/60/64/66/77/80/82/83/90/91: certificate, key, CA and handshake problems.
        let codes: Set<Int32> = [35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91]
        if codes.contains(response.curlCode) { return true }
        // TLS 1.3 reports a refused client certificate at the first read, after the handshake.
        return response.curlCode == 56 && response.curlMessage.localizedCaseInsensitiveContains("ssl")
    }
}
