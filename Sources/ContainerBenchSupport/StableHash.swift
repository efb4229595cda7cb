import Foundation

/// A deterministic, process-independent hash (FNV-1a 64): Swift's `Hasher` is seeded per process.
public enum StableHash {
    /// The FNV-1a 64-bit hash of `text`'s UTF-8 bytes.
    public static func value(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// The hash as lower-case hex, cut to `length` characters.
    public static func hex(_ text: String, length: Int = 16) -> String {
        let full = String(value(text), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - full.count)) + full
        return String(padded.prefix(length))
    }
}
