import ContainerBenchModel
import Foundation

/// dpkg's database of installed packages (`/var/lib/dpkg/status`, or one file per package under
/// `/var/lib/dpkg/status.d/` as distroless images keep it): deb822 paragraphs separated by blank lines.
public enum DpkgStatus {
    /// The installed packages of `text`: paragraphs whose `Status` says `installed` (the third word: `install ok
    /// installed`, `hold ok installed`); removed packages that left their configuration (`deinstall ok
    /// config-files`) and half-installed ones are not. A paragraph without `Status` (status.d files) counts as
    /// installed. `Installed-Size` is KiB; a paragraph without `Package` or `Version` is skipped.
    public static func packages(_ text: String) -> [ImageInventory.Package] {
        var packages: [ImageInventory.Package] = []
        var fields: [String: String] = [:]
        func finish() {
            defer { fields = [:] }
            guard let name = fields["package"], let version = fields["version"] else { return }
            if let status = fields["status"] {
                let words = status.split(separator: " ")
                guard words.count == 3, words[2] == "installed" else { return }
            }
            let kibibytes = fields["installed-size"].flatMap { Int64($0) } ?? 0
            packages.append(
                ImageInventory.Package(
                    name: name, version: version, bytes: kibibytes * 1024, architecture: fields["architecture"]))
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                finish()
                continue
            }
            // A continuation line of the previous field (Description, Conffiles): not needed.
            if line.first == " " || line.first == "\t" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        finish()
        return packages
    }
}
