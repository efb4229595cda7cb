import ContainerBenchPlot
import ContainerBenchStatistics
import Foundation

/// Why a report could not be produced.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Equatable {
        /// The report's data could not be encoded (a value JSON cannot carry).
        case encoding
        /// A plot file named for the report could not be read.
        case plotUnreadable
        /// The format name is not one containerbench writes.
        case unknownFormat
        /// The run holds nothing the format can carry (a consumer would reject the empty document).
        case nothingToExport
        /// A format of one image (CycloneDX) was asked of a run without that image, or with several to choose from.
        case noSuchImage
    }

    /// The kind of failure.
    public var code: Code
    /// What failed and what to do about it.
    public var message: String

    /// A report error with a message a user can act on.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
