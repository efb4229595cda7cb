import CCurl
import Foundation

/// The outcome of one libcurl transfer. A transport failure is a normal result (`curlCode != 0`), not a throw:
/// readiness probes expect "connection refused" many times before the first answer.
package struct CurlResponse: Sendable {
    /// CURLE_OK (0) when the transfer completed.
    package var curlCode: Int32
    /// libcurl's message for `curlCode`.
    package var curlMessage: String
    /// The HTTP status, or 0 when no response arrived.
    package var status: Int
    package var body: Data
    /// Seconds from the start of the transfer until the TCP connection was established; nil if it never was.
    package var connectSeconds: Double?

    package var transportSucceeded: Bool { curlCode == 0 }
}

/// Ensures `curl_global_init` ran once, before any handle is made.
package enum CurlGlobal {
    package static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// Collects a transfer's body; handed to libcurl's write callback as an opaque pointer.
private final class CurlSink {
    /// The most a collected (not streamed) body may hold: the engine's answers are kilobytes (an image list of a
    /// busy engine a few MiB); more is a broken or hostile peer, refused rather than held in memory.
    static let bodyLimit = 256 << 20

    var data = Data()
    /// Set when the body passed `bodyLimit` and the transfer was stopped.
    var overflowed = false
    /// Called for each chunk when streaming; returning false aborts the transfer.
    let onChunk: ((Data) -> Bool)?
    /// Polled by libcurl about once a second while a stream is idle; returning true aborts the transfer.
    let shouldAbort: (() -> Bool)?

    init(onChunk: ((Data) -> Bool)?, shouldAbort: (() -> Bool)?) {
        self.onChunk = onChunk
        self.shouldAbort = shouldAbort
    }
}

private let curlProgressCallback: cb_curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(context).takeUnretainedValue()
    return sink.shouldAbort?() == true ? 1 : 0
}

private let curlWriteCallback: cb_curl_write_callback = { pointer, size, count, context in
    guard let pointer, let context else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let chunk = Data(bytes: pointer, count: length)
    if let onChunk = sink.onChunk {
        return onChunk(chunk) ? length : 0
    }
    guard sink.data.count + length <= CurlSink.bodyLimit else {
        sink.overflowed = true
        return 0
    }
    sink.data.append(chunk)
    return length
}

/// One libcurl easy handle. Not Sendable: owned by exactly one type (an actor or a single task), reused across
/// requests so that connections to the same host are kept alive.
package final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// libcurl's detailed message of the last failure (CURLOPT_ERRORBUFFER), e.g. which TLS alert the peer sent.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    /// Makes a handle; throws when libcurl cannot be initialised.
    package init() throws(EngineError) {
        guard CurlGlobal.ready, let handle = curl_easy_init() else {
            throw EngineError(.transport, "libcurl could not be initialised (curl_easy_init failed)")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Performs one request.
    /// - Parameters:
    ///   - url: absolute URL; for the engine, `http://localhost/v1.41/...` with `unixSocket` set.
    ///   - unixSocket: path of a unix socket to connect through instead of TCP.
    ///   - tls: CA, client certificate and key of a verified HTTPS connection (the peer and its name are checked).
    ///   - timeout: whole-transfer timeout in seconds (0 = none, for streams).
    ///   - stallTimeout: seconds without a byte after which the transfer stops (0 = no limit: an idle event
    ///     stream is not stalled).
    ///   - onChunk: streaming mode: each chunk is handed over instead of collected; return false to stop.
    ///   - shouldAbort: polled while the transfer is idle (about once a second); true stops it.
    package func perform(
        method: String = "GET", url: String, unixSocket: String? = nil, tls: EngineTLSFiles? = nil,
        headers: [String] = [], body: Data? = nil, timeout: Double, connectTimeout: Double = 2,
        stallTimeout: Double = 0, onChunk: ((Data) -> Bool)? = nil,
        shouldAbort: (() -> Bool)? = nil
    ) -> CurlResponse {
        curl_easy_reset(handle)
        let sink = CurlSink(onChunk: onChunk, shouldAbort: shouldAbort)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = cb_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = cb_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = cb_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = cb_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        _ = cb_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout * 1000)))
        if stallTimeout > 0 {
            _ = cb_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = cb_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Int(stallTimeout)))
        }
        _ = cb_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        _ = cb_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        // Never let a proxy from the environment see engine or probe traffic: it is all loopback.
        _ = cb_curl_setopt_string(handle, CURLOPT_NOPROXY, "*")
        if shouldAbort != nil {
            _ = cb_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = cb_curl_setopt_xferinfo(handle, curlProgressCallback)
            _ = cb_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
        }
        if let unixSocket {
            _ = cb_curl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, unixSocket)
        }
        if let tls {
            _ = cb_curl_setopt_string(handle, CURLOPT_CAINFO, tls.caFile)
            _ = cb_curl_setopt_string(handle, CURLOPT_SSLCERT, tls.certFile)
            _ = cb_curl_setopt_string(handle, CURLOPT_SSLKEY, tls.keyFile)
            _ = cb_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            _ = cb_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        }
        if method != "GET" {
            _ = cb_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        defer { curl_slist_free_all(headerList) }
        if let headerList {
            _ = cb_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        }
        let code: CURLcode
        if let body {
            code = body.withUnsafeBytes { raw -> CURLcode in
                _ = cb_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, raw.count)
                _ = cb_curl_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                return curl_easy_perform(handle)
            }
        } else {
            if method == "POST" {
                _ = cb_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
                _ = cb_curl_setopt_string(handle, CURLOPT_POSTFIELDS, "")
            }
            code = curl_easy_perform(handle)
        }
        withExtendedLifetime(sink) {}
        var status = 0
        _ = cb_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var connect = 0.0
        _ = cb_curl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connect)
        let detail = String(cString: errorBuffer)
        let summary = String(cString: curl_easy_strerror(code))
        var message = code == CURLE_OK || detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        if sink.overflowed {
            message = "the answer exceeded \(CurlSink.bodyLimit >> 20) MiB and was refused (a broken or hostile peer)"
        }
        return CurlResponse(
            curlCode: Int32(code.rawValue), curlMessage: message, status: status, body: sink.data,
            connectSeconds: connect > 0 ? connect : nil)
    }
}
