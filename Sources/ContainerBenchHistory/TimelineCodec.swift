import CZlib
import ContainerBenchModel
import Foundation

/// Packs a trial's memory timeline into one blob, losslessly: a run of the default suite takes ~14,000 samples,
/// which as one row each made 0.9 MB of the history per run, and as many round trips to a shared server.
///
/// Layout (`cbt1`, then deflate): the sample count as a varint; the times as the XOR of each double's bits with the
/// previous one's, stored byte plane by byte plane (the sign, exponent and high mantissa bytes of neighbouring
/// times are alike, so those planes compress to almost nothing); then each byte column (usage, working set, RSS,
/// cache) as zig-zag varints of the difference to the previous sample.
enum TimelineCodec {
    /// The value of `trial_timelines.encoding` for this layout.
    static let encoding = "cbt1+deflate"

    /// The blob of `samples`.
    static func encode(_ samples: [MemorySample]) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(samples.count * 16 + 8)
        appendVarint(UInt64(samples.count), to: &raw)
        var planes = [[UInt8]](repeating: [], count: 8)
        var previous: UInt64 = 0
        for sample in samples {
            let bits = sample.t.bitPattern
            let xor = bits ^ previous
            previous = bits
            for plane in 0..<8 {
                planes[plane].append(UInt8(truncatingIfNeeded: xor >> (56 - 8 * plane)))
            }
        }
        for plane in planes { raw.append(contentsOf: plane) }
        let columns: [KeyPath<MemorySample, Int64>] = [\.usageBytes, \.workingSetBytes, \.rssBytes, \.cacheBytes]
        for column in columns {
            var last: Int64 = 0
            for sample in samples {
                let value = sample[keyPath: column]
                appendVarint(zigzag(value &- last), to: &raw)
                last = value
            }
        }
        return deflate(raw)
    }

    /// The samples of a blob `encode` made.
    /// - Throws: `HistoryError` (`corrupt`) when the blob is not one.
    static func decode(_ blob: [UInt8], encoding: String, expectedCount: Int) throws -> [MemorySample] {
        guard encoding == Self.encoding else {
            throw HistoryError(.corrupt, path: "", detail: "unknown timeline encoding '\(encoding)'")
        }
        // Each sample takes at least 12 bytes unpacked (8 of time, 1 per byte column); the count bounds the size.
        let raw = try inflate(blob, limit: 64 + expectedCount * 48)
        var reader = Reader(bytes: raw)
        let count = Int(try reader.varint())
        guard count == expectedCount else {
            throw HistoryError(.corrupt, path: "", detail: "timeline holds \(count) samples, \(expectedCount) expected")
        }
        var times = [UInt64](repeating: 0, count: count)
        for plane in 0..<8 {
            for index in 0..<count {
                times[index] |= UInt64(try reader.byte()) << (56 - 8 * plane)
            }
        }
        var previous: UInt64 = 0
        for index in 0..<count {
            previous ^= times[index]
            times[index] = previous
        }
        var columns = [[Int64]](repeating: [], count: 4)
        for column in 0..<4 {
            var last: Int64 = 0
            columns[column].reserveCapacity(count)
            for _ in 0..<count {
                last = last &+ unzigzag(try reader.varint())
                columns[column].append(last)
            }
        }
        guard reader.isAtEnd else {
            throw HistoryError(.corrupt, path: "", detail: "timeline has \(reader.remaining) bytes past its samples")
        }
        return (0..<count).map { index in
            MemorySample(
                t: Double(bitPattern: times[index]), usageBytes: columns[0][index],
                workingSetBytes: columns[1][index], rssBytes: columns[2][index], cacheBytes: columns[3][index])
        }
    }

    /// At most `limit` samples of `samples`, chosen to keep the timeline's shape: the first and the last sample,
    /// and of each of the evenly spaced buckets between them the sample with the largest working set (the peak a
    /// chart must still show). Fewer samples than `limit` are returned unchanged.
    static func downsample(_ samples: [MemorySample], to limit: Int) -> [MemorySample] {
        guard limit >= 2, samples.count > limit else { return limit < 2 ? Array(samples.prefix(limit)) : samples }
        let inner = Array(samples.dropFirst().dropLast())
        let buckets = limit - 2
        var kept: [MemorySample] = [samples[0]]
        for bucket in 0..<buckets {
            let start = bucket * inner.count / buckets
            let end = max(start + 1, (bucket + 1) * inner.count / buckets)
            if let peak = inner[start..<min(end, inner.count)].max(by: { $0.workingSetBytes < $1.workingSetBytes }) {
                kept.append(peak)
            }
        }
        kept.append(samples[samples.count - 1])
        return kept
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else {
                throw HistoryError(.corrupt, path: "", detail: "timeline ends early")
            }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                guard shift < 64 else { throw HistoryError(.corrupt, path: "", detail: "timeline varint too long") }
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
            }
        }
    }

    private static func deflate(_ raw: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(raw.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = raw.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                compress2(buffer.baseAddress, &size, input.baseAddress, uLong(raw.count), 6)
            }
        }
        // compress2 fails only without memory or with a bound too small, which compressBound rules out: keep the
        // bytes unpacked rather than lose them (a stored block is still a valid zlib stream only via compress2, so
        // retry at level 0).
        if status != Z_OK {
            size = compressBound(uLong(raw.count))
            output = [UInt8](repeating: 0, count: Int(size))
            _ = raw.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { buffer in
                    compress2(buffer.baseAddress, &size, input.baseAddress, uLong(raw.count), 0)
                }
            }
        }
        return Array(output.prefix(Int(size)))
    }

    private static func inflate(_ blob: [UInt8], limit: Int) throws -> [UInt8] {
        var size = uLongf(limit)
        var output = [UInt8](repeating: 0, count: limit)
        let status = blob.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                uncompress(buffer.baseAddress, &size, input.baseAddress, uLong(blob.count))
            }
        }
        guard status == Z_OK else {
            throw HistoryError(.corrupt, path: "", detail: "timeline does not inflate (zlib status \(status))")
        }
        return Array(output.prefix(Int(size)))
    }
}
