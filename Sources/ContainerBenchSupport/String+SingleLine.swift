import Foundation

extension String {
    /// This text on one line: newlines, tabs and other control characters become spaces (for table cells, log
    /// lines and plot titles that must not break their format).
    public var singleLine: String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }
            )
        )
    }
}
