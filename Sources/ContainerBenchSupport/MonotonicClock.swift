import Foundation

/// CLOCK_MONOTONIC in seconds: the clock every phase of a trial is stamped with. It is shared with processes in
/// containers (no time namespace), so a service's own stamp can be compared with the harness's.
public enum MonotonicClock {
    /// Now, in seconds since an arbitrary point (boot).
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }

    /// Maps a wall-clock date (e.g. the engine's StartedAt) onto the monotonic clock.
    public static func monotonic(fromWall date: Date) -> Double {
        let offset = Date().timeIntervalSince1970 - now()
        return date.timeIntervalSince1970 - offset
    }

    /// Parses the engine's RFC 3339 timestamps with nanoseconds ("2026-11-29T01:02:03.123456789Z").
    public static func parseEngineDate(_ text: String) -> Date? {
        guard text.count >= 20, !text.hasPrefix("0001-") else { return nil }
        // Split off the fraction: ISO8601DateFormatter handles at most milliseconds reliably.
        var base = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let end = text[dot...].firstIndex { $0 == "Z" || $0 == "+" || $0 == "-" } ?? text.endIndex
            fraction = Double("0" + text[dot..<end]) ?? 0
            base = String(text[..<dot]) + String(text[end...])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: base) else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
