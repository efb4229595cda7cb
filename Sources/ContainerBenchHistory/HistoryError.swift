import Foundation
import GRDB

/// What went wrong with the history file. Every message names the file and says what to do.
public struct HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case cannotCreateDirectory, readOnly, cannotOpen, notADatabase, diskFull, newerSchema, corrupt, busy
            case duplicateRun, invalidRecord, runNotFound, baselineNotFound, baselineExists, invalidBaselineFile
            case ioFailure, invalidLocation, cannotConnect, authenticationFailed, connectionLost, notAHistory
            case noHistory
        }

        private let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// The folder that should hold the history could not be created.
        public static let cannotCreateDirectory = Code(.cannotCreateDirectory)
        /// The file or its folder cannot be written.
        public static let readOnly = Code(.readOnly)
        /// SQLite could not open or create the file.
        public static let cannotOpen = Code(.cannotOpen)
        /// The file exists but is not a SQLite database.
        public static let notADatabase = Code(.notADatabase)
        /// The disk (or the database's size limit) is full.
        public static let diskFull = Code(.diskFull)
        /// The file was migrated by a newer containerbench that knows schema versions this binary does not.
        public static let newerSchema = Code(.newerSchema)
        /// SQLite found the file damaged.
        public static let corrupt = Code(.corrupt)
        /// Another process held the database locked for longer than the busy timeout.
        public static let busy = Code(.busy)
        /// A run with the same id is already stored.
        public static let duplicateRun = Code(.duplicateRun)
        /// The record violates a rule of the schema (a negative count, an inconsistent group of columns).
        public static let invalidRecord = Code(.invalidRecord)
        /// No run has the given id.
        public static let runNotFound = Code(.runNotFound)
        /// No baseline has the given name.
        public static let baselineNotFound = Code(.baselineNotFound)
        /// A baseline with the given name exists and replacing was not asked for.
        public static let baselineExists = Code(.baselineExists)
        /// A baseline file is not JSON this binary understands.
        public static let invalidBaselineFile = Code(.invalidBaselineFile)
        /// Any other SQLite, PostgreSQL or file-system failure.
        public static let ioFailure = Code(.ioFailure)
        /// `--history` (or `CONTAINERBENCH_HISTORY`) is neither a file path nor a valid `postgresql://` URL.
        public static let invalidLocation = Code(.invalidLocation)
        /// The PostgreSQL server did not answer: refused, unreachable, timed out, or TLS could not be agreed.
        public static let cannotConnect = Code(.cannotConnect)
        /// The PostgreSQL server refused the user or its password.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The connection to the PostgreSQL server broke; an open transaction was rolled back by the server.
        public static let connectionLost = Code(.connectionLost)
        /// The database holds tables that are not a containerbench history.
        public static let notAHistory = Code(.notAHistory)
        /// A reading command found no history there (no file, or a database without the history's tables).
        public static let noHistory = Code(.noHistory)

        /// The code's name, e.g. `readOnly`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The history file (or folder, or baseline file) concerned, or the database's URL without its password.
    public var path: String
    /// The run or baseline concerned, or the underlying error's message.
    public var detail: String

    /// Makes an error of `code` about `path`.
    public init(_ code: Code, path: String, detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// What failed, with which file, and what to do about it.
    public var description: String {
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        switch code {
        case .cannotCreateDirectory:
            return "cannot create the folder for the history at \(path)\(suffix): check its parent's permissions "
                + "or pass another file with --history"
        case .readOnly:
            return "the history \(path) is read-only\(suffix): make it (and its folder) writable, "
                + "or pass another file with --history"
        case .cannotOpen:
            return "cannot open or create the history \(path)\(suffix): check that the path is a file in a "
                + "writable folder, or that the database exists"
        case .notADatabase:
            return "\(path) is not a SQLite database\(suffix): move it away or pass another file with --history"
        case .diskFull:
            return "the disk holding the history \(path) is full\(suffix): free space, then run again; "
                + "nothing of this run was stored"
        case .newerSchema:
            return "the history \(path) was written by a newer containerbench\(suffix): use that version, "
                + "or pass another file with --history"
        case .corrupt:
            return "the history \(path) is damaged\(suffix): restore it from a backup or start a new file"
        case .busy:
            return "the history \(path) stayed locked by another process\(suffix): wait for it to finish, "
                + "then run again"
        case .duplicateRun:
            return "the history \(path) already holds run \(detail): run ids are unique; nothing was stored"
        case .invalidRecord:
            return "the history \(path) refused a record\(suffix): this is a containerbench bug, please report "
                + "it; nothing of this run was stored"
        case .runNotFound:
            return "the history \(path) has no run \(detail): list runs with `containerbench history`"
        case .baselineNotFound:
            return "the history \(path) has no baseline named \(detail): list them with "
                + "`containerbench baseline list`"
        case .baselineExists:
            return "the history \(path) already has a baseline named \(detail): delete it first or ask to replace it"
        case .invalidLocation:
            return "the history location \(path) is not valid\(suffix): pass a file path or "
                + "postgresql://USER@HOST[:PORT]/DATABASE with --history or CONTAINERBENCH_HISTORY"
        case .cannotConnect:
            return "cannot connect to the history \(path)\(suffix): check that the server runs and accepts "
                + "connections at that host and port; nothing was written"
        case .authenticationFailed:
            return "the server of the history \(path) refused the login\(suffix): check the user and password "
                + "(put the password in CONTAINERBENCH_HISTORY, not on the command line); nothing was written"
        case .connectionLost:
            return "the connection to the history \(path) was lost\(suffix): the open transaction was rolled "
                + "back, so nothing of it was stored; check the network and the server, then run again"
        case .notAHistory:
            return "\(path) is not a containerbench history\(suffix): pass another database (or ?schema=NAME) "
                + "with --history"
        case .noHistory:
            return "no history at \(path)\(suffix): measure something with `containerbench run` first, or pass "
                + "--history"
        case .invalidBaselineFile:
            return "the baseline file \(path) cannot be read\(suffix): export it again with "
                + "`containerbench baseline export`"
        default:
            return "the history \(path) failed\(suffix)"
        }
    }
}

extension HistoryError {
    /// Translates SQLite's and the file system's errors into a `HistoryError` about `path`; keeps a `HistoryError`.
    static func wrapping(_ error: any Error, path: String, runID: String? = nil) -> HistoryError {
        if var error = error as? HistoryError {
            if error.path.isEmpty { error.path = path }
            return error
        }
        guard let error = error as? DatabaseError else {
            return HistoryError(.ioFailure, path: path, detail: String(describing: error))
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return HistoryError(.readOnly, path: path, detail: message)
        case .SQLITE_CANTOPEN:
            return HistoryError(.cannotOpen, path: path, detail: message)
        case .SQLITE_NOTADB:
            return HistoryError(.notADatabase, path: path, detail: message)
        case .SQLITE_FULL:
            return HistoryError(.diskFull, path: path, detail: message)
        case .SQLITE_CORRUPT:
            return HistoryError(.corrupt, path: path, detail: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return HistoryError(.busy, path: path, detail: message)
        case .SQLITE_CONSTRAINT:
            if let runID, error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY, message.contains("runs.id") {
                return HistoryError(.duplicateRun, path: path, detail: runID)
            }
            return HistoryError(.invalidRecord, path: path, detail: message)
        default:
            return HistoryError(.ioFailure, path: path, detail: message)
        }
    }
}
