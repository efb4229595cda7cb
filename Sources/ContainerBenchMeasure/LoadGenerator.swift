import CCurl
import ContainerBenchEngine
import ContainerBenchModel
import ContainerBenchStatistics
import ContainerBenchSupport
import Foundation

/// Discards a response body; load requests only need their status and timing.
private let discardBody: cb_curl_write_callback = { _, size, count, _ in size * count }

/// Sends a fixed number of GET requests to the service's host (127.0.0.1 for a local engine) at a fixed concurrency through libcurl's multi interface (one
/// thread, `concurrency` transfers in flight), and records each request's latency. Bounded in count, and in time by
/// the per-request `timeout`.
public struct LoadGenerator: Sendable {
    public var host: String
    public var port: Int
    public var spec: LoadSpec
    public var timeout: Double

    /// Load of `spec` on `host`:`port` (the engine host's address for a remote engine).
    public init(host: String = "127.0.0.1", port: Int, spec: LoadSpec, timeout: Double = 10) {
        self.host = host
        self.port = port
        self.spec = spec
        self.timeout = timeout
    }

    /// Runs the load to completion on a background thread (its poll loop blocks) and returns what it measured.
    public func measure() async -> LoadResult {
        await runOnBackgroundThread { run() }
    }

    /// Runs the load to completion, blocking the calling thread, and returns what it measured.
    public func run() -> LoadResult {
        let url = "http://\(HTTPReadinessProbe.authority(host: host, port: port))\(spec.path)"
        let start = MonotonicClock.now()
        var latencies: [Double] = []
        var failures = 0
        guard CurlGlobal.ready, let multi = curl_multi_init() else {
            return LoadResult(
                requests: spec.requests, failures: spec.requests, concurrency: spec.concurrency, seconds: 0,
                latencyP50: 0, latencyP95: 0, latencyMax: 0)
        }
        defer { curl_multi_cleanup(multi) }
        var handles: [UnsafeMutableRawPointer] = []
        defer { handles.forEach { curl_easy_cleanup($0) } }
        // The start time of the request each handle is carrying, by handle.
        var startedAt: [UnsafeMutableRawPointer: Double] = [:]
        var issued = 0

        func launch(_ handle: UnsafeMutableRawPointer) {
            curl_easy_reset(handle)
            _ = cb_curl_setopt_string(handle, CURLOPT_URL, url)
            _ = cb_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = cb_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
            _ = cb_curl_setopt_string(handle, CURLOPT_NOPROXY, "*")
            _ = cb_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, discardBody)
            startedAt[handle] = MonotonicClock.now()
            issued += 1
            curl_multi_add_handle(multi, handle)
        }

        for _ in 0..<min(max(1, spec.concurrency), spec.requests) {
            guard let handle = curl_easy_init() else { break }
            handles.append(handle)
            launch(handle)
        }
        var running: Int32 = 0
        var completed = 0
        // Bounded: every transfer ends by its own timeout, so the loop ends too.
        while completed < issued {
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                completed += 1
                let latency = MonotonicClock.now() - (startedAt[handle] ?? start)
                var status = 0
                _ = cb_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                if message.pointee.data.result == CURLE_OK && (200..<400).contains(status) {
                    latencies.append(latency)
                } else {
                    failures += 1
                }
                curl_multi_remove_handle(multi, handle)
                if issued < spec.requests { launch(handle) }
            }
            if completed >= issued { break }
            curl_multi_poll(multi, nil, 0, 100, nil)
        }
        let seconds = MonotonicClock.now() - start
        latencies.sort()
        let p50 = latencies.isEmpty ? 0 : Summary.quantile(sorted: latencies, 0.5)
        let p95 = latencies.isEmpty ? 0 : Summary.quantile(sorted: latencies, 0.95)
        return LoadResult(
            requests: spec.requests, failures: failures, concurrency: spec.concurrency, seconds: seconds,
            latencyP50: p50, latencyP95: p95, latencyMax: latencies.last ?? 0)
    }
}
