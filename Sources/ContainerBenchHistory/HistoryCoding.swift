import ContainerBenchModel
import Foundation

/// Conversions shared by the stores' queries.
enum HistoryCoding {
    /// A date as whole milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return Int64(exactly: value) ?? (value < 0 ? Int64.min : Int64.max)
    }

    /// Milliseconds since 1970 as a date.
    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The scenario key of a metric value: the build scenario for build metrics, `-` for the others.
    static func scenarioKey(_ metric: Metric, _ scenario: BuildScenario) -> String {
        isBuildMetric(metric) ? scenario.rawValue : "-"
    }

    /// Whether `metric` is measured per build (and so per build scenario).
    static func isBuildMetric(_ metric: Metric) -> Bool {
        metric == .buildSeconds || metric == .installSeconds
    }

    /// The JSON encoder of stored payloads: exact doubles, NaN and infinities kept as strings.
    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The JSON decoder matching `jsonEncoder()`.
    static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// `value` as JSON text.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try jsonEncoder().encode(value), as: UTF8.self)
    }

    /// JSON text as `T`, or a `corrupt` error naming `what`.
    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
        do {
            return try jsonDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw HistoryError(.corrupt, path: "", detail: "\(what) is not valid JSON: \(error)")
        }
    }
}
