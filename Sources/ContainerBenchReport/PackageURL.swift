import Foundation

/// Package URLs (purl, https://github.com/package-url/purl-spec) for what an inventory lists: the identifiers an
/// SBOM consumer (a vulnerability database, a licence checker) matches on.
public enum PackageURL {
    /// `pkg:pypi/NAME@VERSION`: the name lower-cased with `_` as `-`, as the purl spec's pypi type asks.
    public static func pypi(name: String, version: String) -> String {
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: "-")
        return "pkg:pypi/\(encode(normalized))@\(encode(version))"
    }

    /// `pkg:deb/NAMESPACE/NAME@VERSION?arch=ARCH&distro=DISTRO`, qualifiers only when known (sorted by key, as the
    /// spec's canonical form has them).
    public static func deb(
        namespace: String, name: String, version: String, architecture: String?, distro: String?
    ) -> String {
        var qualifiers: [String] = []
        if let architecture, !architecture.isEmpty { qualifiers.append("arch=\(encode(architecture))") }
        if let distro, !distro.isEmpty { qualifiers.append("distro=\(encode(distro))") }
        let query = qualifiers.isEmpty ? "" : "?" + qualifiers.joined(separator: "&")
        return "pkg:deb/\(encode(namespace.lowercased()))/\(encode(name))@\(encode(version))\(query)"
    }

    /// `pkg:oci/NAME@DIGEST?tag=TAG`: an image by its digest (`sha256:…`, the colon encoded as the spec's
    /// examples do).
    public static func oci(name: String, digest: String, tag: String?) -> String {
        let query = tag.map { "?tag=\(encode($0))" } ?? ""
        return "pkg:oci/\(encode(name.lowercased()))@\(encode(digest, keepColon: false))\(query)"
    }

    /// Percent-encodes everything but the unreserved characters of RFC 3986 (and `:`, which the purl spec says is
    /// never to be encoded inside a version).
    static func encode(_ text: String, keepColon: Bool = true) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~")
        if keepColon { allowed.insert(":") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
