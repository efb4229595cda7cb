import Foundation

/// Durations in the syntax of Go's `time.ParseDuration`, which Docker uses for HEALTHCHECK flags and compose for
/// `interval`, `timeout` and `start_period`: `1m30s`, `10s`, `500ms`, `1.5h`, `250us`, `0`.
public enum GoDuration {
    /// Seconds, exactly as Go reads `text`; nil when it is not a duration (a number without unit other than 0,
    /// an unknown unit, an empty string, or a value too large).
    public static func seconds(_ text: String) -> Double? {
        var scalars = Array(text.unicodeScalars)[...]
        var sign = 1.0
        if let first = scalars.first, first == "-" || first == "+" {
            if first == "-" { sign = -1 }
            scalars = scalars.dropFirst()
        }
        if scalars.count == 1, scalars.first == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            var numberText = String.UnicodeScalarView()
            numberText.append(contentsOf: number)
            let digits = number.filter { $0 != "." }
            guard !digits.isEmpty, number.filter({ $0 == "." }).count <= 1, let value = Double(String(numberText))
            else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unitScalars = scalars.prefix { !("0"..."9").contains($0) && $0 != "." }
            scalars = scalars.dropFirst(unitScalars.count)
            var unit = String.UnicodeScalarView()
            unit.append(contentsOf: unitScalars)
            guard let scale = units[String(unit)] else { return nil }
            total += value * scale
        }
        // Go's Duration is an int64 of nanoseconds: about 292 years.
        guard total.isFinite, total <= 9_223_372_036.854_775 else { return nil }
        return sign * total
    }

    private static let units: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]
}
