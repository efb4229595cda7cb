import ContainerBenchSupport
import Foundation

/// A deterministic random number generator (SplitMix64): the same seed gives the same stream on every platform
/// and in every process, so bootstrap intervals and simulations are reproducible.
///
/// SplitMix64 passes BigCrush, has a full 2^64 period and needs no warm-up; it is not cryptographic.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator seeded from a stable hash of `label` (FNV-1a 64, the same value as `StableHash.value`): the
    /// same label always gives the same stream.
    public init(label: String) {
        // Written out here so that the statistics need nothing outside their own folder.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        state = hash
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1), from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Box-Muller), for simulations.
    public mutating func nextNormal() -> Double {
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u1 = 1 - nextUnit()
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniform index in `0..<count` without modulo bias (Lemire's method); `count` must be positive.
    public mutating func nextIndex(below count: Int) -> Int {
        let bound = UInt64(count)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }
}
