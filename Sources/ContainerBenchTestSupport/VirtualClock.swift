import ContainerBench
import Foundation
import Synchronization

/// A clock whose time moves only when something sleeps on it (or `advance` is called): trials of scripted
/// containers run in no real time, and every timestamp is exact and repeatable.
public final class VirtualClock: MeasurementClock {
    private let time: Mutex<Double>
    /// The wall-clock date of virtual time 0.
    public let epoch: Date

    /// A clock starting at `start` seconds, whose time 0 is `epoch` on the wall.
    public init(start: Double = 1_000, epoch: Date = Date(timeIntervalSince1970: 1_764_000_000)) {
        time = Mutex(start)
        self.epoch = epoch
    }

    public func now() -> Double { time.withLock { $0 } }

    /// Moves time forward by `seconds` (at least nothing), then lets other tasks run.
    public func sleep(seconds: Double) async {
        advance(by: seconds)
        await Task.yield()
    }

    /// Moves time forward by `seconds` (negative values are ignored).
    public func advance(by seconds: Double) {
        guard seconds > 0, seconds.isFinite else { return }
        time.withLock { $0 += seconds }
    }

    public func reading(ofWallDate date: Date) -> Double {
        date.timeIntervalSince(epoch)
    }

    /// The wall date of virtual time `reading`.
    public func wallDate(of reading: Double) -> Date {
        epoch.addingTimeInterval(reading)
    }
}
