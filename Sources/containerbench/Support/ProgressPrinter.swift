import ContainerBench
import Foundation
import Synchronization

/// Shows a run's progress: one rewritten line on a terminal (stage, service, driver, step i/N, elapsed, estimated
/// time left), plain lines in a CI log, nothing with --quiet.
final class ProgressPrinter: Sendable {
    enum Mode { case live, lines, silent }

    private let mode: Mode
    private let start = MonotonicClock.now()
    private let lastWidth = Mutex(0)

    init(quiet: Bool, terminal: Bool) {
        mode = quiet ? .silent : (terminal ? .live : .lines)
    }

    func callAsFunction(_ event: ProgressEvent) {
        guard mode != .silent else { return }
        let elapsed = MonotonicClock.now() - start
        // The session estimates what is left from the durations it measured (ETAEstimator); steps after the
        // measurement (analyse, persist, artifacts) have no estimate.
        let remaining = event.remainingSeconds
        let subject = [event.service, event.driver].compactMap { $0 }.joined(separator: "/")
        var text = String(
            format: "[%d/%d] %@ %@ %@  %@", event.step, event.steps, event.stage.rawValue, subject, event.message,
            Self.clock(elapsed))
        if let remaining { text += "  ~\(Self.clock(remaining)) left" }
        switch mode {
        case .live:
            let padding = lastWidth.withLock { width -> String in
                let pad = String(repeating: " ", count: max(0, width - text.count))
                width = text.count
                return pad
            }
            FileHandle.standardOutput.write(Data(("\r" + text + padding + (event.stage == .done ? "\n" : "")).utf8))
        case .lines:
            // Unbuffered: a CI log shows each step as it happens, not at exit.
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        case .silent:
            break
        }
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
