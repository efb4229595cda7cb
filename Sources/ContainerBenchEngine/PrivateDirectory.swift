import Foundation

/// A directory only this user can enter (mkdtemp, mode 0700), for sockets and certificate links of one engine.
package enum PrivateDirectory {
    /// Makes `/tmp/PREFIX-XXXXXX`; nil when it cannot be made.
    package static func make(prefix: String) -> String? {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
    }
}
