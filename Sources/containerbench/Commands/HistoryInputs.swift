import ArgumentParser
import ContainerBench
import Foundation

/// Parsing and opening shared by the commands that read the history (history, compare, baseline, acknowledge,
/// report, plot). Bad values become ArgumentParser errors, so they exit 64 like any other bad flag.
enum HistoryInputs {
    /// The output forms of the listing commands.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    /// A metric by its name (`startup_seconds`), or a validation error listing the names.
    static func metric(_ text: String) throws -> Metric {
        guard let metric = Metric(rawValue: text) else {
            throw ValidationError(
                "unknown metric '\(text)'; valid: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return metric
    }

    /// A run status by name, or a validation error listing the names.
    static func status(_ text: String) throws -> RunStatus {
        let all: [RunStatus] = [.completed, .failed, .interrupted, .running]
        guard let status = RunStatus(rawValue: text) else {
            throw ValidationError(
                "unknown status '\(text)'; valid: \(all.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }

    /// A date: `2026-01-31` (midnight UTC) or ISO 8601 with a time (`2026-01-31T12:00:00Z`).
    static func date(_ text: String) throws -> Date {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        day.timeZone = TimeZone(identifier: "UTC")
        if let date = day.date(from: text) { return date }
        throw ValidationError("'\(text)' is not a date: use 2026-01-31 or 2026-01-31T12:00:00Z")
    }

    /// Opens a history that must already exist: reading commands never create an empty file (or schema) by
    /// mistake.
    static func openExisting(_ global: GlobalOptions) throws -> any HistoryStore {
        let location = try global.historyLocation()
        do {
            return try location.open(mustExist: true)
        } catch {
            throw CLI.fail("\(error)", .infrastructureError)
        }
    }

    /// Runs `body`, turning a thrown error into its message and exit status (history and report errors are
    /// infrastructure errors, bad input files usage errors).
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CLI.fail("\(error)", CLI.status(for: error))
        }
    }

    /// The run `reference` names: a run id, or `latest` (the newest run of any status).
    /// - Throws: an exit 4 with the history's "no run" message when there is none.
    static func run(_ reference: String, in store: any HistoryStore) throws -> RunRecord {
        try guarded {
            if reference == "latest" {
                guard let run = try store.latestRun(status: nil, label: nil) else {
                    throw HistoryError(.runNotFound, path: pathOf(store), detail: "at all (the history is empty)")
                }
                return run
            }
            guard let run = try store.run(id: reference) else {
                throw HistoryError(.runNotFound, path: pathOf(store), detail: reference)
            }
            return run
        }
    }

    private static func pathOf(_ store: any HistoryStore) -> String {
        store.location
    }
}
