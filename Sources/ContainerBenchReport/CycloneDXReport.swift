import ContainerBenchModel
import ContainerBenchSupport
import Foundation

/// A CycloneDX 1.5 JSON SBOM of one image (https://cyclonedx.org/docs/1.5/json): the image as the BOM's subject
/// (`metadata.component`, type `container`, its image id as `bom-ref` and SHA-256 hash), and what its inventory
/// lists as components: each Python distribution a `library` with `pkg:pypi/NAME@VERSION`, each Debian package a
/// `library` with `pkg:deb/debian/NAME@VERSION?arch=…&distro=…`, and the operating system an `operating-system`.
/// Installed bytes and locations are `containerbench:` properties.
///
/// The serial number is a UUID derived from the run and the image id, and the timestamp is the run's: the SBOM of
/// a stored measurement is one document, rendered again the same.
public struct CycloneDXReport: Sendable {
    /// The spec version written.
    public static let specVersion = "1.5"

    /// The run the image belongs to.
    public var record: RunRecord
    /// The image; its `inventory` must be set.
    public var image: ImageRecord
    /// How the image is named (its tag, e.g. `containerbench/fastapi:uv`).
    public var imageName: String
    /// When the BOM's data was taken (default: when the run finished, else started).
    public var timestamp: Date

    /// The SBOM of `image` of `record`, named `imageName` (default `containerbench/SERVICE:DRIVER`).
    public init(record: RunRecord, image: ImageRecord, imageName: String? = nil, timestamp: Date? = nil) {
        self.record = record
        self.image = image
        self.imageName = imageName ?? "containerbench/\(image.service):\(image.driver)"
        self.timestamp = timestamp ?? record.finishedAt ?? record.startedAt
    }

    /// The SBOM of the image of `input` the input selects (`ReportInput.image`), or of its only image.
    /// - Throws: `ReportError` (`.noSuchImage`) as `image(in:service:driver:)` does.
    public init(_ input: ReportInput) throws(ReportError) {
        let image = try Self.image(in: input.record, service: input.image?.service, driver: input.image?.driver)
        self.init(record: input.record, image: image)
    }

    /// The image of `record` for `service` and `driver` (either may be omitted when only one image fits).
    /// - Throws: `ReportError` with code `.noSuchImage` when none fits or several do (the message lists them and
    ///   names `--service`/`--driver`).
    public static func image(in record: RunRecord, service: String?, driver: String?) throws(ReportError)
        -> ImageRecord
    {
        let fitting = record.images.filter {
            (service == nil || $0.service == service) && (driver == nil || $0.driver == driver)
        }
        let names = record.images.map { "\($0.service)/\($0.driver)" }.joined(separator: ", ")
        if fitting.count == 1, let image = fitting.first { return image }
        if fitting.isEmpty {
            let asked = [service, driver].compactMap { $0 }.joined(separator: "/")
            throw ReportError(
                .noSuchImage,
                record.images.isEmpty
                    ? "run \(record.id) measured no image: nothing to write an SBOM of"
                    : "run \(record.id) has no image \(asked); it has \(names)")
        }
        throw ReportError(
            .noSuchImage,
            "run \(record.id) has \(fitting.count) images (\(fitting.map { "\($0.service)/\($0.driver)" }.joined(separator: ", "))): "
                + "name one with --service and --driver")
    }

    /// The JSON text.
    /// - Throws: `ReportError` with code `.nothingToExport` when the image's inventory was not read, `.encoding`
    ///   when the document cannot be encoded.
    public func render() throws(ReportError) -> String {
        guard let inventory = image.inventory else {
            throw ReportError(
                .nothingToExport,
                "run \(record.id) holds no inventory of \(image.service)/\(image.driver): measure with "
                    + "`run --inventory` (or --compressed-size), or keep the image so `report` can read it again")
        }
        do {
            let data = try JSONReport.encoder().encode(document(inventory))
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            throw ReportError(.encoding, "cannot encode the CycloneDX SBOM of \(imageName): \(error)")
        }
    }

    /// The BOM as a value.
    func document(_ inventory: ImageInventory) -> BOM {
        let system = inventory.operatingSystem
        let namespace = system.map { $0.id.lowercased() } ?? "debian"
        var components: [Component] = []
        var refs = Set<String>()
        func unique(_ ref: String, _ qualifier: String) -> String {
            let chosen = refs.contains(ref) ? "\(ref)#\(qualifier)" : ref
            refs.insert(chosen)
            return chosen
        }
        for distribution in inventory.python {
            let purl = PackageURL.pypi(name: distribution.name, version: distribution.version)
            components.append(
                Component(
                    type: "library", bomRef: unique(purl, distribution.location), name: distribution.name,
                    version: distribution.version, purl: purl,
                    properties: [
                        Property(name: "containerbench:installed-bytes", value: "\(distribution.bytes)"),
                        Property(name: "containerbench:location", value: distribution.location),
                    ]))
        }
        for package in inventory.debian {
            let purl = PackageURL.deb(
                namespace: namespace, name: package.name, version: package.version,
                architecture: package.architecture, distro: system?.codename ?? system?.versionID)
            components.append(
                Component(
                    type: "library", bomRef: unique(purl, package.architecture ?? "any"), name: package.name,
                    version: package.version, purl: purl,
                    properties: [Property(name: "containerbench:installed-bytes", value: "\(package.bytes)")]))
        }
        if let system {
            components.append(
                Component(
                    type: "operating-system", bomRef: unique("os:\(system.id)", "os"), name: system.id,
                    version: system.versionID, description: system.prettyName))
        }
        let digest = image.imageID
        let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
        let isSHA256 = hex.count == 64 && hex.allSatisfy(\.isHexDigit)
        let slash = imageName.lastIndex(of: "/").map { imageName.index(after: $0) } ?? imageName.startIndex
        let repository = imageName[slash...].split(separator: ":", maxSplits: 1)
        let subject = Component(
            type: "container", bomRef: digest, name: imageName, version: digest,
            hashes: isSHA256 ? [Hash(alg: "SHA-256", content: hex.lowercased())] : nil,
            purl: isSHA256
                ? PackageURL.oci(
                    name: repository.first.map(String.init) ?? image.service, digest: "sha256:" + hex.lowercased(),
                    tag: repository.count > 1 ? String(repository[1]) : nil)
                : nil,
            properties: [
                Property(name: "containerbench:run", value: record.id),
                Property(name: "containerbench:service", value: image.service),
                Property(name: "containerbench:driver", value: image.driver),
                Property(name: "containerbench:image-bytes", value: "\(image.bytes)"),
                Property(name: "containerbench:python-bytes", value: "\(inventory.pythonTotals.bytes)"),
                Property(name: "containerbench:debian-bytes", value: "\(inventory.debianTotals.bytes)"),
            ])
        return BOM(
            serialNumber: Self.serialNumber(run: record.id, image: digest),
            metadata: Metadata(
                timestamp: timestamp,
                tools: Tools(
                    components: [
                        Component(type: "application", name: "containerbench", version: ContainerBenchVersion.current)
                    ]),
                component: subject),
            components: components)
    }

    /// `urn:uuid:` and a UUID (version 8, RFC 9562's custom layout) made from FNV-1a hashes of the run and image.
    public static func serialNumber(run: String, image: String) -> String {
        var hex = Array(StableHash.hex("cyclonedx\u{0}\(run)\u{0}\(image)") + StableHash.hex("\(image)\u{0}\(run)"))
        hex[12] = "8"
        let variant = "89ab"
        hex[16] = Array(variant)[Int(hex[16].hexDigitValue ?? 0) % 4]
        let text = String(hex)
        func part(_ from: Int, _ to: Int) -> Substring {
            text[text.index(text.startIndex, offsetBy: from)..<text.index(text.startIndex, offsetBy: to)]
        }
        return "urn:uuid:\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    /// The root object.
    struct BOM: Encodable {
        var schema = "http://cyclonedx.org/schema/bom-1.5.schema.json"
        var bomFormat = "CycloneDX"
        var specVersion = CycloneDXReport.specVersion
        var serialNumber: String
        var version = 1
        var metadata: Metadata
        var components: [Component]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case bomFormat, specVersion, serialNumber, version, metadata, components
        }
    }

    /// `metadata`.
    struct Metadata: Encodable {
        var timestamp: Date
        var tools: Tools
        var component: Component
    }

    /// `metadata.tools` in the 1.5 form (an object of components; the array of 1.4 is deprecated).
    struct Tools: Encodable {
        var components: [Component]
    }

    /// A component; absent values are left out.
    struct Component: Encodable {
        var type: String
        var bomRef: String?
        var name: String
        var version: String?
        var description: String?
        var hashes: [Hash]?
        var purl: String?
        var properties: [Property]?

        enum CodingKeys: String, CodingKey {
            case type, name, version, description, hashes, purl, properties
            case bomRef = "bom-ref"
        }
    }

    /// A hash of a component.
    struct Hash: Encodable {
        var alg: String
        var content: String
    }

    /// A name-value property.
    struct Property: Encodable {
        var name: String
        var value: String
    }
}
