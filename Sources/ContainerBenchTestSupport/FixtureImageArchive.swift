import Foundation

/// A `docker save` archive shaped like the fixture's images on the Debian stand-in base, for the in-memory rig:
/// a base layer with dpkg's status (python3, libc6, a removed package), an os-release behind a symbolic link and
/// Debian's own pip in `dist-packages` (no RECORD, as Debian ships it); a layer with the venv in `/opt/venv` holding
/// `distributions` (dist-info with METADATA and RECORD, bytecode uv does not record), and for the pip driver the
/// venv's own pip.
public enum FixtureImageArchive {
    /// The archive of the `driver` image holding `distributions` (name, version).
    public static func archive(driver: String, distributions: [(name: String, version: String)]) -> Data {
        let site = "opt/venv/lib/python3.11/site-packages"
        var venv: [TarArchiveBuilder.Entry] = [.directory("opt/venv"), .directory(site)]
        var installed = distributions
        if driver == "pip" { installed.append(("pip", "23.0.1")) }
        for (name, version) in installed {
            let module = name.lowercased().replacingOccurrences(of: "-", with: "_")
            let info = "\(site)/\(module)-\(version).dist-info"
            let record = """
                \(module)/__init__.py,sha256=x,4000
                \(module)-\(version).dist-info/METADATA,sha256=y,60
                \(module)-\(version).dist-info/RECORD,,

                """
            venv += [
                .text("\(info)/METADATA", "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\nbody\n"),
                .text("\(info)/RECORD", record),
                .text("\(info)/INSTALLER", driver == "pip" ? "pip\n" : "uv\n"),
                .bytes("\(site)/\(module)/__init__.py", 4000),
                .bytes("\(site)/\(module)/__pycache__/__init__.cpython-311.pyc", 3000),
            ]
        }
        let status = """
            Package: libc6
            Status: install ok installed
            Installed-Size: 12000
            Architecture: amd64
            Version: 2.36-9+deb12u9

            Package: python3
            Status: install ok installed
            Installed-Size: 81
            Architecture: amd64
            Version: 3.11.2-1+b1
            Description: interactive high-level object-oriented language
             (default python3 version)

            Package: curl
            Status: deinstall ok config-files
            Installed-Size: 500
            Architecture: amd64
            Version: 7.88.1-10+deb12u8

            """
        let base: [TarArchiveBuilder.Entry] = [
            .text("var/lib/dpkg/status", status),
            .text(
                "usr/lib/os-release",
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"
            ),
            .symlink("etc/os-release", target: "../usr/lib/os-release"),
            .text("usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA", "Name: pip\nVersion: 23.0.1\n"),
            .text("usr/lib/python3/dist-packages/pip-23.0.1.dist-info/top_level.txt", "pip\n"),
            .bytes("usr/lib/python3/dist-packages/pip/__init__.py", 9000),
        ]
        return TarArchiveBuilder.savedImage(layers: [base, venv])
    }
}
