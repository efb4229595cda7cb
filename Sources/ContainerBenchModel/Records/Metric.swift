import Foundation

/// A quantity containerbench measures. Every metric is "lower is better".
public enum Metric: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// Wall time of one image build, in seconds.
    case buildSeconds = "build_seconds"
    /// Wall time of the dependency-install step of a build, from BuildKit's progress, in seconds.
    case installSeconds = "install_seconds"
    /// Uncompressed image size (`docker inspect` Size), in bytes.
    case imageBytes = "image_bytes"
    /// Image layers gzip-compressed as a registry would store them, in bytes.
    case imageCompressedBytes = "image_compressed_bytes"
    /// From the create call until the health endpoint first answers 2xx, in seconds (the budgeted startup).
    case startupSeconds = "startup_seconds"
    /// From the create call until the first TCP accept on the service port, in seconds.
    case firstTCPSeconds = "first_tcp_seconds"
    /// From the create call until Docker reports `healthy`, in seconds (images with a HEALTHCHECK only).
    case healthySeconds = "healthy_seconds"
    /// The kernel's peak memory counter of the container's cgroup, in bytes (includes page cache).
    case memoryPeakBytes = "memory_peak_bytes"
    /// The largest sampled working set (usage minus inactive file), in bytes.
    case memoryWorkingSetBytes = "memory_working_set_bytes"
    /// The largest sampled resident set, in bytes.
    case memoryRSSBytes = "memory_rss_bytes"
    /// Median request latency during the load phase, in seconds.
    case loadLatencyP50Seconds = "load_latency_p50_seconds"
    /// 95th percentile request latency during the load phase, in seconds.
    case loadLatencyP95Seconds = "load_latency_p95_seconds"

    /// The unit values of this metric are stored in.
    public var unit: MetricUnit {
        switch self {
        case .buildSeconds, .installSeconds, .startupSeconds, .firstTCPSeconds, .healthySeconds,
            .loadLatencyP50Seconds, .loadLatencyP95Seconds:
            return .seconds
        case .imageBytes, .imageCompressedBytes, .memoryPeakBytes, .memoryWorkingSetBytes, .memoryRSSBytes:
            return .bytes
        }
    }

    /// Whether a value is exact (one deterministic number per image) rather than a noisy sample.
    /// Exact metrics are compared directly, not with a significance test.
    public var isExact: Bool {
        self == .imageBytes || self == .imageCompressedBytes
    }

    /// The smallest absolute change worth reporting: below this, a difference is noise whatever its p-value.
    public var absoluteNoiseFloor: Double {
        switch unit {
        case .seconds: return self == .buildSeconds || self == .installSeconds ? 0.5 : 0.010
        case .bytes: return self.isExact ? 1 : 4_000_000
        }
    }

    public var description: String { rawValue }
}

/// The unit a metric is stored in.
public enum MetricUnit: String, Codable, Sendable {
    case seconds = "s"
    case bytes = "B"

    /// Formats a value of this unit for people: "1.23 s", "412.5 MB".
    public func format(_ value: Double) -> String {
        switch self {
        case .seconds:
            if abs(value) < 1 { return String(format: "%.0f ms", value * 1000) }
            return String(format: "%.2f s", value)
        case .bytes:
            return String(format: "%.1f MB", value / 1_000_000)
        }
    }
}
