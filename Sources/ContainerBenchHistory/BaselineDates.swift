import Foundation

/// Dates and the versioned header of baseline files.
enum BaselineDates {
    /// `2026-11-29T01:30:00.123Z`: ISO 8601 in UTC with milliseconds.
    /// The milliseconds come from the stored integer: Foundation truncates the fraction of the nearest double,
    /// which wrote 51.020 as 51.019 and made every export-import round trip a millisecond earlier.
    static func iso8601(_ date: Date) -> String {
        let milliseconds = HistoryCoding.milliseconds(date)
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let text = Date(timeIntervalSince1970: Double(whole.0)).formatted(
            Date.ISO8601FormatStyle(timeZone: .gmt))
        return String(text.dropLast()) + "." + String(String(whole.1 + 1000).dropFirst()) + "Z"
    }

    /// Parses ISO 8601 with or without fractional seconds, rounded to the millisecond as the store keeps dates.
    static func date(iso8601 text: String) -> Date? {
        let parsed =
            (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
        return parsed.map { HistoryCoding.date(milliseconds: HistoryCoding.milliseconds($0)) }
    }

    /// The baseline file in `data`, its format and version checked first for a clear message.
    /// - Throws: `HistoryError` with code `invalidBaselineFile` naming `source`.
    static func decodeFile(_ data: Data, source: String) throws -> BaselineFile {
        let decoder = HistoryCoding.jsonDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(iso8601: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 date")
            }
            return date
        }
        let file: BaselineFile
        do {
            let header = try decoder.decode(BaselineFileHeader.self, from: data)
            guard header.format == BaselineFile.formatName else {
                throw HistoryError(
                    .invalidBaselineFile, path: source,
                    detail: "format is '\(header.format)', expected '\(BaselineFile.formatName)'")
            }
            guard header.version <= BaselineFile.currentVersion else {
                throw HistoryError(
                    .invalidBaselineFile, path: source,
                    detail: "format version \(header.version) is newer than this binary's "
                        + "\(BaselineFile.currentVersion): use a newer containerbench")
            }
            file = try decoder.decode(BaselineFile.self, from: data)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(.invalidBaselineFile, path: source, detail: "\(error)")
        }
        guard !file.baseline.name.isEmpty else {
            throw HistoryError(.invalidBaselineFile, path: source, detail: "the baseline has no name")
        }
        return file
    }
}

/// The first fields of a baseline file, read before the rest so that a newer version gets a clear message.
private struct BaselineFileHeader: Decodable {
    var format: String
    var version: Int
}
