import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `docker save` archives with corrupted headers (sizes negative, huge, non-octal, base-256 with the sign bit),
/// truncated anywhere, or with random bytes: the inventory reader and the compressed-size meter only ever throw a
/// `MeasureError`; nothing traps (a trap would end the test process), nothing hangs.
@Suite("Fuzzed image archives")
struct FuzzArchiveTests {
    typealias Entry = TarArchiveBuilder.Entry

    static func seed() -> Data {
        let site = "opt/venv/lib/python3.12/site-packages"
        let info = "\(site)/humanize-4.17.0.dist-info"
        return TarArchiveBuilder.savedImage(layers: [
            [
                .text("var/lib/dpkg/status", "Package: python3\nStatus: install ok installed\nVersion: 3.11.2-1\n\n"),
                .text("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
            ],
            [
                .text("\(info)/METADATA", "Name: humanize\nVersion: 4.17.0\n"),
                .text("\(info)/RECORD", "humanize/__init__.py,sha256=x,20\n"),
                .bytes("\(site)/humanize/__init__.py", 20),
            ],
        ])
    }

    /// `data` with one corruption: a header number field rewritten, a truncation, or random bytes.
    static func corrupt(_ data: Data, _ random: inout SeededGenerator) -> Data {
        var bytes = [UInt8](data)
        guard bytes.count > 1024 else { return data }
        let headers = stride(from: 0, to: bytes.count - 512, by: 512).filter { offset in
            bytes[offset + 257..<offset + 262].elementsEqual(Array("ustar".utf8))
        }
        switch random.nextIndex(below: 4) {
        case 0 where !headers.isEmpty:
            // The size field (124..<136) of some header.
            let header = headers[random.nextIndex(below: headers.count)]
            let values: [[UInt8]] = [
                Array("-0000000017\0".utf8), Array("77777777777\0".utf8), Array("9999zz99999\0".utf8),
                [0xff] + [UInt8](repeating: 0xff, count: 11), [0x80] + [UInt8](repeating: 0xff, count: 11),
                [0x80, 0x3f] + [UInt8](repeating: 0xff, count: 10), Array("           \0".utf8),
            ]
            let value = values[random.nextIndex(below: values.count)]
            bytes.replaceSubrange(header + 124..<header + 136, with: value)
        case 1:
            bytes = Array(bytes.prefix(random.nextIndex(below: bytes.count)))
        case 2 where !headers.isEmpty:
            // A whole header scrambled.
            let header = headers[random.nextIndex(below: headers.count)]
            for index in header..<header + 512 { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
        default:
            for _ in 0..<(1 + random.nextIndex(below: 16)) {
                bytes[random.nextIndex(below: bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            }
        }
        return Data(bytes)
    }

    @Test("1,000 corrupted archives: every outcome is a result or a MeasureError", .timeLimit(.minutes(2)))
    func corruptedArchives() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("image.tar")
        let seed = Self.seed()
        try seed.write(to: url)
        _ = try ImageInventoryReader().read(archive: url)
        var random = SeededGenerator(seed: 0x7A4_F022)
        var (read, refused) = (0, 0)
        for _ in 0..<1000 {
            var mutant = seed
            for _ in 0..<(1 + random.nextIndex(below: 3)) { mutant = Self.corrupt(mutant, &random) }
            try mutant.write(to: url)
            do {
                _ = try ImageInventoryReader().read(archive: url)
                read += 1
            } catch {
                refused += 1
            }
            _ = try? CompressedSizeMeter(workDirectory: directory.url).measure(archive: url)
        }
        #expect(read > 50 && refused > 200, "read \(read), refused \(refused)")
    }
}
