import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// 200 fixture trials back to back (100 per driver): nothing leaks. Takes minutes, so it runs only with
/// CONTAINERBENCH_SOAK=1.
@Suite(
    "Faults: soak", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["CONTAINERBENCH_SOAK"] == "1", "set CONTAINERBENCH_SOAK=1"))
struct FaultSoakTests {
    /// Open descriptors and resident memory of a process, from /proc.
    struct Usage: CustomStringConvertible {
        var descriptors: Int
        var residentKiB: Int

        init?(pid: Int32) {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"),
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return nil }
            descriptors = fds.count
            residentKiB = kib
        }

        var description: String { "\(descriptors) fds, \(residentKiB) KiB RSS" }
    }

    /// Bounds between the first sample (after about 10 s of trials) and the last: descriptors grow by at most 8,
    /// resident memory by at most 64 MiB. One descriptor or curl handle leaked per trial would add about 180;
    /// the trial records themselves (about 40 memory samples each) stay well under a megabyte.
    static let descriptorGrowth = 8
    static let residentGrowthKiB = 64 * 1024

    @Test(.timeLimit(.minutes(40)))
    func twoHundredTrialsLeakNothing() async throws {
        let fixture = try FaultFixture()
        defer { fixture.remove() }
        let service = "hostile-soak"
        let context = try fixture.fixtureContext("fix", port: 18230)
        try fixture.writeSuite([
            FaultFixture.service(
                service, context: context, port: 18230, drivers: ["uv", "pip"], trials: 100, readyTimeout: 30,
                memoryWindow: 0)
        ])
        defer { Task { await FaultFixture.removeImages(services: [service]) } }
        let process = try fixture.start(fixture.runArguments())
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let pid = process.processIdentifier
        let label = "\(ContainerLabels.service)=\(service)"
        let trialsStarted = try await FaultFixture.eventually(seconds: 300) {
            try await !FaultFixture.containers(label: label).isEmpty || !process.isRunning
        }
        #expect(trialsStarted && process.isRunning, "\(fixture.output())")
        // Let the first trials warm up allocators and caches, then sample every 2 s until the run ends.
        try await Task.sleep(for: .seconds(10))
        var samples: [Usage] = []
        while process.isRunning {
            if let usage = Usage(pid: pid) { samples.append(usage) }
            try await Task.sleep(for: .seconds(2))
        }
        let status = await FaultFixture.wait(for: process, seconds: 60)
        #expect(status == ExitStatus.pass.rawValue, "\(fixture.output())")
        let first = try #require(samples.first)
        let last = try #require(samples.last)
        let peak = samples.map(\.descriptors).max() ?? 0
        let report =
            "soak: \(samples.count) samples; first \(first), last \(last), max fds \(peak), max RSS "
            + "\(samples.map(\.residentKiB).max() ?? 0) KiB"
        print(report)
        try report.write(toFile: "/tmp/hostile-soak-figures.txt", atomically: true, encoding: .utf8)
        #expect(last.descriptors - first.descriptors <= Self.descriptorGrowth, "\(report)")
        #expect(last.residentKiB - first.residentKiB <= Self.residentGrowthKiB, "\(report)")
        let run = try #require(try fixture.storedRuns().first)
        #expect(run.trials.count == 200 && run.trials.allSatisfy { $0.succeeded }, "\(run.errors.prefix(3))")
        #expect(try await FaultFixture.containers(label: label).isEmpty, "no container left")
    }
}
