import Foundation
import Synchronization

/// Sends a fixed number of GET requests to 127.0.0.1 at a fixed concurrency, one libcurl handle per worker thread,
/// and records each request's latency. Bounded in count and in time (`timeout` per request).
public struct LoadGenerator: Sendable {
    public var port: Int
    public var spec: LoadSpec
    public var timeout: Double

    public init(port: Int, spec: LoadSpec, timeout: Double = 10) {
        self.port = port
        self.spec = spec
        self.timeout = timeout
    }

    private final class Box: Sendable {
        let mutex = Mutex<(next: Int, latencies: [Double], failures: Int)>((0, [], 0))
    }

    /// Runs the load to completion (blocking the calling thread) and returns what it measured.
    public func run() -> LoadResult {
        let box = Box()
        let total = spec.requests
        let url = "http://127.0.0.1:\(port)\(spec.path)"
        let group = DispatchGroup()
        let start = MonotonicClock.now()
        for _ in 0..<max(1, spec.concurrency) {
            group.enter()
            let thread = Thread { [timeout] in
                defer { group.leave() }
                guard let curl = try? CurlEasy() else { return }
                while true {
                    let claimed = box.mutex.withLock { state -> Bool in
                        guard state.next < total else { return false }
                        state.next += 1
                        return true
                    }
                    guard claimed else { return }
                    let begin = MonotonicClock.now()
                    let response = curl.perform(url: url, timeout: timeout)
                    let latency = MonotonicClock.now() - begin
                    let ok = response.transportSucceeded && (200..<400).contains(response.status)
                    box.mutex.withLock { state in
                        if ok { state.latencies.append(latency) } else { state.failures += 1 }
                    }
                }
            }
            thread.start()
        }
        group.wait()
        let seconds = MonotonicClock.now() - start
        let (latencies, failures) = box.mutex.withLock { ($0.latencies.sorted(), $0.failures) }
        let p50 = latencies.isEmpty ? 0 : Summary.quantile(sorted: latencies, 0.5)
        let p95 = latencies.isEmpty ? 0 : Summary.quantile(sorted: latencies, 0.95)
        return LoadResult(
            requests: total, failures: failures, concurrency: spec.concurrency, seconds: seconds, latencyP50: p50,
            latencyP95: p95, latencyMax: latencies.last ?? 0)
    }
}
