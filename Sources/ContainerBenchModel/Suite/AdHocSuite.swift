import Foundation

/// A one-service suite made from command-line flags (`run --dockerfile`), for an engineer's own Dockerfile.
public enum AdHocSuite {
    /// Makes the suite; the base-image map is borrowed from `baseImagesFrom` when that suite file exists.
    /// - Throws: `ConfigError` when the Dockerfile or context is missing or a value is invalid.
    public static func make(
        dockerfile: String, context: String?, port: Int, healthPath: String, name: String, trials: Int,
        driver: String = "custom", baseImagesFrom: String?
    ) throws -> Suite {
        let file = URL(fileURLWithPath: dockerfile).standardizedFileURL
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigError(file: dockerfile, field: "--dockerfile", message: "the Dockerfile does not exist")
        }
        let contextPath = URL(fileURLWithPath: context ?? file.deletingLastPathComponent().path).standardizedFileURL
            .path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: contextPath, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ConfigError(file: contextPath, field: "--context", message: "the build context is not a directory")
        }
        guard Validation.isHTTPPath(healthPath) else {
            throw ConfigError(
                file: "command line", field: "--health-path",
                message: "'\(healthPath)' must start with '/' (e.g. /health)")
        }
        guard Validation.isName(name), Validation.isName(driver) else {
            throw ConfigError(file: "command line", field: "--name", message: "'\(name)' is not a valid name")
        }
        var baseImages: [String: String] = [:]
        if let baseImagesFrom, FileManager.default.fileExists(atPath: baseImagesFrom) {
            baseImages = try SuiteLoader.load(path: baseImagesFrom).baseImages
        }
        let service = ServiceSpec(
            name: name, context: contextPath, drivers: [DriverSpec(name: driver, dockerfile: file.path)], port: port,
            health: HealthSpec(path: healthPath), trials: trials, readyTimeout: 60, memoryWindow: 5)
        return Suite(source: "command line", services: [service], baseImages: baseImages)
    }
}
