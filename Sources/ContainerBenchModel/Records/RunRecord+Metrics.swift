import Foundation

extension RunRecord {
    /// The samples of `metric` for one service × driver: one per successful trial, or one per image/build.
    /// Build metrics use builds of `scenario` (cold by default).
    public func values(of metric: Metric, service: String, driver: String, scenario: BuildScenario = .cold)
        -> [Double]
    {
        let okTrials = trials.filter { $0.service == service && $0.driver == driver && $0.succeeded }
        let image = images.first { $0.service == service && $0.driver == driver }
        let builds = self.builds.filter {
            $0.service == service && $0.driver == driver && $0.scenario == scenario && $0.succeeded
        }
        switch metric {
        case .buildSeconds: return builds.map(\.seconds)
        case .installSeconds: return builds.compactMap(\.installSeconds)
        case .imageBytes: return image.map { [Double($0.bytes)] } ?? []
        case .imageCompressedBytes: return image?.compressedBytes.map { [Double($0)] } ?? []
        case .startupSeconds: return okTrials.compactMap(\.phases.ready)
        case .firstTCPSeconds: return okTrials.compactMap(\.phases.firstTCP)
        case .healthySeconds: return okTrials.compactMap(\.phases.healthy)
        case .memoryPeakBytes: return okTrials.compactMap { $0.memory.map { Double($0.peakBytes) } }
        case .memoryWorkingSetBytes: return okTrials.compactMap { $0.memory.map { Double($0.workingSetPeakBytes) } }
        case .memoryRSSBytes: return okTrials.compactMap { $0.memory.map { Double($0.rssPeakBytes) } }
        case .loadLatencyP50Seconds: return okTrials.compactMap { $0.load?.latencyP50 }
        case .loadLatencyP95Seconds: return okTrials.compactMap { $0.load?.latencyP95 }
        }
    }

    /// Every service × driver pair the run measured, in first-seen order.
    public var pairs: [ServiceDriver] {
        var seen: [ServiceDriver] = []
        let all =
            builds.map { ServiceDriver(service: $0.service, driver: $0.driver) }
            + trials.map { ServiceDriver(service: $0.service, driver: $0.driver) }
        for pair in all where !seen.contains(pair) { seen.append(pair) }
        return seen
    }
}

/// A service built with one driver: the unit budgets and regressions are judged per.
public struct ServiceDriver: Sendable, Codable, Hashable, CustomStringConvertible {
    public var service: String
    public var driver: String

    public init(service: String, driver: String) {
        self.service = service
        self.driver = driver
    }

    public var description: String { "\(service)/\(driver)" }
}
