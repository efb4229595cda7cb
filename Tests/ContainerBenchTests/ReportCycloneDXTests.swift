import ContainerBench
import ContainerBenchTestSupport
import Foundation
import Testing

/// `report --format cyclonedx`: the SBOM of one image, held to the published CycloneDX 1.5 JSON schema
/// (https://cyclonedx.org/docs/1.5/json, bom-1.5.schema.json) by `CycloneDXShape` below, written from the schema
/// rather than from the renderer, and, where the virtualenv `make test-python` makes exists (CI requires it), by
/// cyclonedx-python-lib's strict JSON-schema validator.
@Suite("Report: CycloneDX SBOM")
struct ReportCycloneDXTests {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    /// A run with one image of a real-looking digest and the fixture's inventory.
    static var record: RunRecord {
        var record = ReportFixture.record
        record.images = [
            ImageRecord(
                service: "fastapi", driver: "uv", imageID: digest, bytes: 210_000_000,
                inventory: ReportFixture.inventory)
        ]
        return record
    }

    static func document(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the document has the 1.5 shape: required fields, types, enums, patterns, unique bom-refs")
    func shape() throws {
        let text = try CycloneDXReport(record: Self.record, image: Self.record.images[0]).render()
        let violations = CycloneDXShape.violations(of: try Self.document(text))
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test("the image is the subject: a container with its digest as bom-ref, SHA-256 hash and oci purl")
    func subject() throws {
        let document = try Self.document(
            try CycloneDXReport(record: Self.record, image: Self.record.images[0]).render())
        let metadata = try #require(document["metadata"] as? [String: Any])
        let component = try #require(metadata["component"] as? [String: Any])
        #expect(component["type"] as? String == "container")
        #expect(component["name"] as? String == "containerbench/fastapi:uv")
        #expect(component["bom-ref"] as? String == Self.digest)
        let hashes = try #require(component["hashes"] as? [[String: String]])
        #expect(hashes == [["alg": "SHA-256", "content": String(Self.digest.dropFirst(7))]])
        #expect(component["purl"] as? String == "pkg:oci/fastapi@sha256%3A\(Self.digest.dropFirst(7))?tag=uv")
        #expect(metadata["timestamp"] as? String == "2026-11-29T01:40:42Z")
        let tools = try #require((metadata["tools"] as? [String: Any])?["components"] as? [[String: Any]])
        #expect(tools.first?["name"] as? String == "containerbench")
        #expect(
            document["serialNumber"] as? String
                == CycloneDXReport.serialNumber(run: ReportFixture.runID, image: Self.digest))
    }

    @Test("each distribution and package is a library with its purl; the system an operating-system")
    func components() throws {
        let document = try Self.document(
            try CycloneDXReport(record: Self.record, image: Self.record.images[0]).render())
        let components = try #require(document["components"] as? [[String: Any]])
        let purls = components.compactMap { $0["purl"] as? String }
        #expect(purls.contains("pkg:pypi/fastapi@0.115.6"))
        #expect(purls.contains("pkg:pypi/typing-extensions@4.12.2"))
        #expect(purls.contains("pkg:pypi/torch@2.5.1%2Bcpu"))
        #expect(purls.contains("pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=bookworm"))
        #expect(purls.contains("pkg:deb/debian/bash@5.2.15-2%2Bb7?distro=bookworm"))
        #expect(purls.filter { $0 == "pkg:pypi/pip@24.3.1" }.count == 2)
        let refs = components.compactMap { $0["bom-ref"] as? String }
        #expect(Set(refs).count == refs.count)
        let torch = try #require(components.first { $0["name"] as? String == "torch" })
        let properties = try #require(torch["properties"] as? [[String: String]])
        #expect(properties.contains(["name": "containerbench:installed-bytes", "value": "700000000"]))
        #expect(
            properties.contains(["name": "containerbench:location", "value": "/opt/venv/lib/python3.12/site-packages"]))
        let system = try #require(components.first { $0["type"] as? String == "operating-system" })
        #expect(system["name"] as? String == "debian" && system["version"] as? String == "12")
        #expect(components.filter { $0["type"] as? String == "library" }.count == 8)
    }

    @Test("a run with several images needs --service/--driver; one without an inventory says how to get one")
    func selection() throws {
        let record = ReportFixture.record
        #expect {
            try CycloneDXReport.image(in: record, service: nil, driver: nil)
        } throws: { error in
            (error as? ReportError)?.code == .noSuchImage && "\(error)".contains("--service and --driver")
        }
        #expect {
            try CycloneDXReport.image(in: record, service: "nope", driver: nil)
        } throws: { error in
            "\(error)".contains("has no image nope") && "\(error)".contains("fastapi/uv")
        }
        let pip = try CycloneDXReport.image(in: record, service: "fastapi", driver: "pip")
        #expect {
            try CycloneDXReport(record: record, image: pip).render()
        } throws: { error in
            (error as? ReportError)?.code == .nothingToExport && "\(error)".contains("--inventory")
        }
        // The renderer's path: the input's selection.
        let text = try ReportRenderer.render(ReportFixture.input, as: .cyclonedx)
        #expect(text.contains("\"specVersion\" : \"1.5\""))
        #expect(try ReportFormat.named("sbom") == .cyclonedx && ReportFormat.cyclonedx.fileExtension == "cdx.json")
    }

    @Test("the serial number is an RFC 4122 URN, the same for the same run and image, another for another")
    func serialNumber() {
        let one = CycloneDXReport.serialNumber(run: "r1", image: Self.digest)
        #expect(one == CycloneDXReport.serialNumber(run: "r1", image: Self.digest))
        #expect(one != CycloneDXReport.serialNumber(run: "r2", image: Self.digest))
        #expect(
            one.wholeMatch(of: /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
    }

    /// The Python of the virtualenv `make test-python` makes with cyclonedx-python-lib (or
    /// `CONTAINERBENCH_CYCLONEDX_PYTHON`).
    static let validatorPython: String =
        ProcessInfo.processInfo.environment["CONTAINERBENCH_CYCLONEDX_PYTHON"]
        ?? Binary.packageRoot.appendingPathComponent(".build/test-python/bin/python3").path

    /// Whether the virtualenv is there (`make test-python` makes it with the library, or not at all).
    static let validatorInstalled = FileManager.default.isExecutableFile(atPath: validatorPython)

    @Test(
        "cyclonedx-python-lib's strict 1.5 schema validator accepts the SBOM (and refuses a broken one)",
        .enabled(if: ProcessInfo.processInfo.environment["CI"] == "true" || ReportCycloneDXTests.validatorInstalled))
    func pythonValidator() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = directory.url.appendingPathComponent("good.cdx.json")
        let bad = directory.url.appendingPathComponent("bad.cdx.json")
        let text = try CycloneDXReport(record: Self.record, image: Self.record.images[0]).render()
        try Data(text.utf8).write(to: good)
        try Data(text.replacingOccurrences(of: "\"library\"", with: "\"librarian\"").utf8).write(to: bad)
        let script = """
            import sys
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
            validator = JsonStrictValidator(SchemaVersion.V1_5)
            for path in sys.argv[1:]:
                error = validator.validate_str(open(path).read())
                print(path.rsplit("/", 1)[-1], "invalid" if error else "valid", error or "")
            """
        // A child process awaited, not waited for: the cooperative pool's threads stay free for other tests.
        let result = try await ProcessRunner.run(
            Self.validatorPython, ["-c", script, good.path, bad.path], combineOutput: true)
        #expect(result.exitCode == 0, "\(result.output)")
        #expect(result.output.contains("good.cdx.json valid"), "\(result.output)")
        #expect(result.output.contains("bad.cdx.json invalid"), "\(result.output)")
    }
}

/// The CycloneDX 1.5 JSON schema's rules for what containerbench writes (bom-1.5.schema.json): the root's, the
/// metadata's, each component's and hash's required keys, types, enums and patterns, no keys the schema does not
/// define (it sets additionalProperties false), and unique bom-refs (the spec requires them).
enum CycloneDXShape {
    static let rootKeys: Set<String> = [
        "$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components", "services",
        "externalReferences", "dependencies", "compositions", "properties", "vulnerabilities", "annotations",
        "formulation", "signature",
    ]
    static let metadataKeys: Set<String> = [
        "timestamp", "lifecycles", "tools", "authors", "component", "manufacture", "supplier", "licenses",
        "properties",
    ]
    static let componentKeys: Set<String> = [
        "type", "mime-type", "bom-ref", "supplier", "author", "publisher", "group", "name", "version", "description",
        "scope", "hashes", "licenses", "copyright", "cpe", "purl", "swid", "modified", "pedigree",
        "externalReferences", "properties", "components", "evidence", "releaseNotes", "modelCard", "data",
        "signature",
    ]
    static let componentTypes: Set<String> = [
        "application", "framework", "library", "container", "platform", "operating-system", "device",
        "device-driver", "firmware", "file", "machine-learning-model", "data",
    ]
    static let hashAlgorithms: Set<String> = [
        "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512", "BLAKE2b-256",
        "BLAKE2b-384", "BLAKE2b-512", "BLAKE3",
    ]

    /// Everything in `document` that breaks those rules, as `path: problem`.
    static func violations(of document: [String: Any]) -> [String] {
        var found: [String] = []
        var refs: [String] = []
        func unknown(_ object: [String: Any], _ allowed: Set<String>, _ path: String) {
            for key in object.keys where !allowed.contains(key) { found.append("\(path).\(key): not in the schema") }
        }
        func component(_ value: Any?, _ path: String) {
            guard let object = value as? [String: Any] else { return found.append("\(path): not an object") }
            unknown(object, componentKeys, path)
            if !componentTypes.contains(object["type"] as? String ?? "") {
                found.append("\(path).type: not in the enum")
            }
            if (object["name"] as? String)?.isEmpty ?? true { found.append("\(path).name: required string") }
            for key in ["version", "description", "purl", "bom-ref"]
            where object[key] != nil && !(object[key] is String) {
                found.append("\(path).\(key): not a string")
            }
            if let ref = object["bom-ref"] as? String { refs.append(ref) }
            if let hashes = object["hashes"] {
                for (index, hash) in (hashes as? [[String: Any]] ?? []).enumerated() {
                    if !hashAlgorithms.contains(hash["alg"] as? String ?? "") {
                        found.append("\(path).hashes[\(index)].alg")
                    }
                    let content = hash["content"] as? String ?? ""
                    if content.wholeMatch(
                        of: /[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128}/) == nil
                    {
                        found.append("\(path).hashes[\(index)].content: not a hash")
                    }
                    if Set(hash.keys) != ["alg", "content"] {
                        found.append("\(path).hashes[\(index)]: keys \(hash.keys)")
                    }
                }
            }
            if let properties = object["properties"] {
                for (index, property) in (properties as? [[String: Any]] ?? [[:]]).enumerated()
                where !(property["name"] is String) || !(property["value"] is String) || property.count != 2 {
                    found.append("\(path).properties[\(index)]: not {name, value}")
                }
            }
        }
        unknown(document, rootKeys, "$")
        if document["bomFormat"] as? String != "CycloneDX" { found.append("$.bomFormat: must be CycloneDX") }
        if document["specVersion"] as? String != "1.5" { found.append("$.specVersion: must be 1.5") }
        let serial = document["serialNumber"] as? String ?? ""
        if serial.wholeMatch(of: /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) == nil {
            found.append("$.serialNumber: not urn:uuid:…")
        }
        if ((document["version"] as? Int) ?? 0) < 1 { found.append("$.version: integer ≥ 1 required") }
        if let metadata = document["metadata"] as? [String: Any] {
            unknown(metadata, metadataKeys, "$.metadata")
            if ISO8601DateFormatter().date(from: metadata["timestamp"] as? String ?? "") == nil {
                found.append("$.metadata.timestamp: not a date-time")
            }
            let tools = (metadata["tools"] as? [String: Any])?["components"] as? [Any]
            if tools == nil { found.append("$.metadata.tools: 1.5 form {components: [...]} expected") }
            for (index, tool) in (tools ?? []).enumerated() { component(tool, "$.metadata.tools.components[\(index)]") }
            component(metadata["component"], "$.metadata.component")
        } else {
            found.append("$.metadata: missing")
        }
        guard let components = document["components"] as? [Any] else { return found + ["$.components: missing"] }
        for (index, value) in components.enumerated() { component(value, "$.components[\(index)]") }
        let duplicates = Dictionary(grouping: refs, by: { $0 }).filter { $0.value.count > 1 }.keys
        if !duplicates.isEmpty { found.append("bom-refs not unique: \(duplicates.sorted())") }
        return found
    }
}
