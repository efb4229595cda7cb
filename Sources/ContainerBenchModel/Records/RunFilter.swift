import ContainerBenchModel
import Foundation

/// Which runs `HistoryStore.runs(filter:)` lists. Every set field narrows the list; the result is newest first.
public struct RunFilter: Sendable, Equatable {
    /// Only runs that built, inspected or started this service.
    public var service: String?
    /// Only runs that used this driver.
    public var driver: String?
    /// Only runs with this label.
    public var label: String?
    /// Only runs that ended this way.
    public var status: RunStatus?
    /// Only runs started at or after this date.
    public var since: Date?
    /// At most this many runs (nil: all).
    public var limit: Int?

    /// A filter; the default lists every run.
    public init(
        service: String? = nil, driver: String? = nil, label: String? = nil, status: RunStatus? = nil,
        since: Date? = nil, limit: Int? = nil
    ) {
        self.service = service
        self.driver = driver
        self.label = label
        self.status = status
        self.since = since
        self.limit = limit
    }
}
