import CZlib
import Foundation

/// Compresses a byte stream with gzip (zlib's deflate with a gzip wrapper, the format registries store layers
/// in) and counts the compressed bytes without keeping them. Owns its zlib stream: one counter per stream, never
/// shared across tasks.
final class GzipByteCounter {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var finished = false
    /// Compressed bytes produced so far (after `finish()`, the whole gzip member, header and trailer included).
    private(set) var compressedBytes: Int64 = 0
    /// Bytes fed in.
    private(set) var inputBytes: Int64 = 0

    /// Starts a gzip stream at `level` (1 fastest … 9 smallest; registries and `gzip` default to 6).
    /// - Throws: `MeasureError` when zlib cannot be initialised (out of memory, invalid level).
    init(level: Int32 = 6) throws(MeasureError) {
        let status = cb_deflate_init_gzip(&stream, level)
        guard status == Z_OK else {
            throw MeasureError("zlib could not start a gzip stream at level \(level) (deflateInit2 returned \(status))")
        }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `bytes`.
    func update(_ bytes: UnsafeRawBufferPointer) throws(MeasureError) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        inputBytes += Int64(bytes.count)
        try run(input: base.assumingMemoryBound(to: Bytef.self), count: bytes.count, flush: Z_NO_FLUSH)
    }

    /// Ends the stream (gzip trailer included).
    /// - Returns: the total compressed bytes.
    @discardableResult
    func finish() throws(MeasureError) -> Int64 {
        guard !finished else { return compressedBytes }
        finished = true
        try run(input: nil, count: 0, flush: Z_FINISH)
        return compressedBytes
    }

    private func run(input: UnsafePointer<Bytef>?, count: Int, flush: Int32) throws(MeasureError) {
        stream.next_in = UnsafeMutablePointer(mutating: input)
        stream.avail_in = uInt(count)
        var status: Int32 = Z_OK
        let capacity = output.count
        repeat {
            status = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(capacity)
                return deflate(&stream, flush)
            }
            guard status != Z_STREAM_ERROR else {
                throw MeasureError("zlib deflate failed (Z_STREAM_ERROR) after \(inputBytes) input bytes")
            }
            compressedBytes += Int64(capacity - Int(stream.avail_out))
        } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
        stream.next_in = nil
    }
}
