import ArgumentParser
import ContainerBench
import Foundation

/// A duration flag (`100ms`, `1.5s`, `2m`), refused at parse time when it is not one or lies outside `bounds`.
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable {
    /// Seconds.
    var seconds: Double

    init?(argument: String) {
        guard let seconds = Quantity.seconds(argument), seconds.isFinite else { return nil }
        self.seconds = seconds
    }

    init(seconds: Double) {
        self.seconds = seconds
    }

    var defaultValueDescription: String { Self.format(seconds) }

    /// Throws a ValidationError naming `flag` unless the value lies in `bounds`.
    func check(_ flag: String, within bounds: ClosedRange<Double>) throws {
        guard bounds.contains(seconds) else {
            throw ValidationError(
                "\(flag) must be from \(Self.format(bounds.lowerBound)) to \(Self.format(bounds.upperBound)), "
                    + "got \(Self.format(seconds))")
        }
    }

    static func format(_ seconds: Double) -> String {
        if seconds > 0 && seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}

/// A size flag (`2GB`, `512MiB`), refused at parse time when it is not one or lies outside `bounds`.
struct ByteSizeArgument: ExpressibleByArgument, Sendable, Equatable {
    /// Bytes.
    var bytes: Int64

    init?(argument: String) {
        // Above 2^62 bytes nothing fits an Int64 safely (and no machine has it): refused here, not crashed on later.
        guard let value = Quantity.bytes(argument), value.isFinite, value < 0x1p62 else { return nil }
        bytes = Int64(value)
    }

    /// Throws a ValidationError naming `flag` unless the value lies in `bounds`.
    func check(_ flag: String, within bounds: ClosedRange<Int64>) throws {
        guard bounds.contains(bytes) else {
            throw ValidationError(
                "\(flag) must be from \(bounds.lowerBound) to \(bounds.upperBound) bytes, got \(bytes)")
        }
    }
}

/// A CPU count (`1.5`), finite and positive; bounds are checked by the command.
struct CPUCountArgument: ExpressibleByArgument, Sendable, Equatable {
    var cpus: Double

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value > 0 else { return nil }
        cpus = value
    }

    /// Throws a ValidationError naming `flag` unless the value lies in `bounds`.
    func check(_ flag: String, within bounds: ClosedRange<Double>) throws {
        guard bounds.contains(cpus) else {
            throw ValidationError("\(flag) must be from \(bounds.lowerBound) to \(bounds.upperBound), got \(cpus)")
        }
    }
}

extension BaselineSelection: ExpressibleByArgument {
    /// `none`, `last`, `last:N` (N from 1 to 1000), `run:ID`, or a baseline name; anything else is refused.
    public init?(argument: String) {
        if argument.hasPrefix("last:") {
            guard let count = Int(argument.dropFirst(5)), (1...1000).contains(count) else { return nil }
            self = .lastGood(count)
        } else if argument.hasPrefix("run:") {
            guard argument.count > 4 else { return nil }
            self = .run(String(argument.dropFirst(4)))
        } else if argument == "none" || argument == "last" || Validation.isName(argument) {
            self.init(parsing: argument)
        } else {
            return nil
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .none: return "none"
        case .lastGood(BaselineSelection.defaultRuns): return "last"
        case .lastGood(let count): return "last:\(count)"
        case .run(let id): return "run:\(id)"
        case .named(let name): return name
        }
    }
}

/// `--trials N` (1 to 1000) or `--trials auto` (rounds added until every budget and gate is decided).
enum TrialCountArgument: ExpressibleByArgument, Sendable, Equatable {
    case fixed(Int)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let count = Int(argument), (1...1000).contains(count) {
            self = .fixed(count)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String {
        switch self {
        case .auto: return "auto"
        case .fixed(let count): return String(count)
        }
    }

    /// The fixed count, or nil for `auto`.
    var count: Int? {
        if case .fixed(let count) = self { return count }
        return nil
    }
}
