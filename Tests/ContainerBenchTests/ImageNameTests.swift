import ContainerBench
import Foundation
import Testing

/// Image references normalised as Docker normalises them (`distribution/reference`).
@Suite("Image names")
struct ImageNameTests {
    @Test(
        "the same image however it is written",
        arguments: [
            ("python:3.12-slim", "docker.io/library/python:3.12-slim"),
            ("index.docker.io/library/python:3.12-slim", "python:3.12-slim"),
            ("python", "python:latest"), ("docker.io/python", "docker.io/library/python:latest"),
            ("myorg/app:1", "docker.io/myorg/app:1"),
        ])
    func equal(lhs: String, rhs: String) throws {
        let left = try #require(ImageName(lhs))
        let right = try #require(ImageName(rhs))
        #expect(left == right && left.hashValue == right.hashValue)
    }

    @Test("registries, ports, digests: parts, full and short forms")
    func parts() throws {
        let uv = try #require(ImageName("ghcr.io/astral-sh/uv:0.9"))
        #expect(uv.domain == "ghcr.io" && uv.path == "astral-sh/uv" && uv.tag == "0.9")
        #expect(uv.normalized == "ghcr.io/astral-sh/uv:0.9" && uv.familiar == "ghcr.io/astral-sh/uv:0.9")
        let python = try #require(ImageName("python:3.12-slim"))
        #expect(python.normalized == "docker.io/library/python:3.12-slim" && python.familiar == "python:3.12-slim")
        #expect(python.repository == "docker.io/library/python")
        let local = try #require(ImageName("localhost:5000/team/app"))
        #expect(local.domain == "localhost:5000" && local.tag == nil && local.effectiveTag == "latest")
        #expect(ImageName("localhost/app")?.domain == "localhost")
        #expect(ImageName("[::1]:5000/app:2")?.domain == "[::1]:5000")
        #expect(ImageName("Registry/app")?.domain == "Registry", "an upper-case first part is a host")
        let digest = "sha256:" + String(repeating: "0f", count: 32)
        let pinned = try #require(ImageName("python:3.12@\(digest)"))
        #expect(pinned.tag == "3.12" && pinned.digest == digest && pinned != ImageName("python:3.12"))
        #expect(ImageName("python@\(digest)")?.effectiveTag == nil)
        #expect(ImageName("a:1") != ImageName("a:2") && ImageName("ghcr.io/a") != ImageName("a"))
        let encoded = try JSONEncoder().encode(uv)
        #expect(try JSONDecoder().decode(ImageName.self, from: encoded) == uv)
    }

    @Test(
        "not image names, each with a reason",
        arguments: [
            "", "Python:3", "python:", "python:bad tag", "a//b", "-a", "a-", "python@sha256:short", "exa mple",
            "python:3.12-slim:extra/", "ghcr..io/a", "a__-b", "host:port/app", ":tag",
        ])
    func invalid(text: String) {
        #expect(ImageName(text) == nil, "\(text)")
        #expect(ImageName.problem(text)?.isEmpty == false)
    }
}
