import Foundation

extension Dockerfile {
    /// A HEALTHCHECK instruction: the check command and its timing, or `NONE`.
    public struct Healthcheck: Sendable, Equatable {
        /// The check command; nil for `HEALTHCHECK NONE`.
        public var command: CommandForm?
        /// `--interval`, in seconds (nil: Docker's default, 30 s).
        public var interval: Double?
        /// `--timeout`, in seconds.
        public var timeout: Double?
        /// `--start-period`, in seconds.
        public var startPeriod: Double?
        /// `--start-interval`, in seconds.
        public var startInterval: Double?
        /// `--retries`.
        public var retries: Int?
        /// 1-based line of the instruction.
        public var line: Int

        /// A check; durations in seconds, nil where the instruction gives no flag.
        public init(
            command: CommandForm?, interval: Double? = nil, timeout: Double? = nil, startPeriod: Double? = nil,
            startInterval: Double? = nil, retries: Int? = nil, line: Int
        ) {
            self.command = command
            self.interval = interval
            self.timeout = timeout
            self.startPeriod = startPeriod
            self.startInterval = startInterval
            self.retries = retries
            self.line = line
        }

        /// `HEALTHCHECK NONE`: the base image's check is switched off.
        public var isDisabled: Bool { command == nil }

        /// Docker's `Healthcheck.Test`: `["NONE"]`, `["CMD", program, args...]` or `["CMD-SHELL", text]`.
        public var test: [String] {
            switch command {
            case nil: return ["NONE"]
            case .exec(let argv): return ["CMD"] + argv
            case .shell(let text): return ["CMD-SHELL", text]
            }
        }

        /// The argument vector the engine starts for each check; nil for `NONE`.
        public func argv(shell: [String] = CommandForm.defaultShell) -> [String]? {
            command?.argv(shell: shell)
        }
    }
}
