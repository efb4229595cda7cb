import ContainerBench
import Testing

/// Durations as Go's `time.ParseDuration` reads them (HEALTHCHECK flags, compose healthchecks).
@Suite("Go durations")
struct GoDurationTests {
    @Test(
        "exact values",
        arguments: [
            ("1m30s", 90.0), ("10s", 10), ("500ms", 0.5), ("1.5h", 5400), ("250us", 0.000_25), ("2µs", 0.000_002),
            ("1h2m3.5s", 3723.5), ("0", 0), ("+5s", 5), ("-1s", -1), (".5s", 0.5), ("5.s", 5), ("100ns", 1e-7),
        ])
    func valid(text: String, seconds: Double) throws {
        let value = try #require(GoDuration.seconds(text))
        #expect(abs(value - seconds) <= 1e-12 * max(1, abs(seconds)), "\(text) → \(value)")
    }

    @Test("not durations", arguments: ["", "10", "s", "1x", "1e3s", ".s", "1..5s", "00", "1s2", " 1s", "9999999999h"])
    func invalid(text: String) {
        #expect(GoDuration.seconds(text) == nil, "\(text)")
    }
}
