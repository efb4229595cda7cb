// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// Layers, each a target; dependencies point down only (docs/architecture.md draws them):
//
//   containerbench (CLI) ─► ContainerBench (run session, stages, doctor, gc)
//   ContainerBench ─► Report ─► Plot ─► Analysis ─► Statistics
//                  ─► Build, Measure ─► Engine ─► Support ◄─ Model
//                  ─► History ─► Model
//   Model knows nothing of the engine, the history or the statistics; Statistics knows nothing at all.
let package = Package(
    name: "containerbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "containerbench", targets: ["containerbench"]),
        .library(name: "ContainerBench", targets: ["ContainerBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Blocking work off the cooperative pool, child processes, clocks, hashes, loopback sockets.
        .target(
            name: "ContainerBenchSupport",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: strict
        ),
        // Pure statistics (Foundation and hashes only), so every rule is testable against scipy in isolation.
        .target(name: "ContainerBenchStatistics", dependencies: ["ContainerBenchSupport"], swiftSettings: strict),
        // The vocabulary: suites, Dockerfiles, plans, records, metrics, targets, verdict values, errors.
        .target(
            name: "ContainerBenchModel",
            dependencies: [
                "ContainerBenchSupport", "ContainerBenchStatistics", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The container engine protocol and its Docker Engine API implementation over libcurl.
        .target(
            name: "ContainerBenchEngine",
            dependencies: ["CCurl", "ContainerBenchSupport"],
            swiftSettings: strict
        ),
        // Trials: readiness probe, memory sampler, load, compressed size; the trial runner.
        .target(
            name: "ContainerBenchMeasure",
            dependencies: [
                "CCurl", "CZlib", "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchEngine",
                "ContainerBenchStatistics", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Image builds through BuildKit, base-image stand-ins, the local package index.
        .target(
            name: "ContainerBenchBuild",
            dependencies: [
                "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchEngine",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The history of runs: one SQLite file (GRDB) or a shared PostgreSQL database (postgres-nio).
        .target(
            name: "ContainerBenchHistory",
            dependencies: [
                "CZlib", "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchStatistics",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Verdicts from values: budgets, ratios, regressions, policy. Never reads the history itself.
        .target(
            name: "ContainerBenchAnalysis",
            dependencies: ["ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchStatistics"],
            swiftSettings: strict
        ),
        // gnuplot charts from values.
        .target(
            name: "ContainerBenchPlot",
            dependencies: [
                "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchStatistics",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Reports (Markdown, JSON, JUnit, HTML, text) from a run and its evaluation.
        .target(
            name: "ContainerBenchReport",
            dependencies: [
                "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchStatistics", "ContainerBenchAnalysis",
                "ContainerBenchPlot",
            ],
            swiftSettings: strict
        ),
        // The run session and its stages; doctor, gc, bootstrap orchestration. Re-exports the layers below.
        .target(
            name: "ContainerBench",
            dependencies: [
                "ContainerBenchSupport", "ContainerBenchModel", "ContainerBenchStatistics", "ContainerBenchEngine",
                "ContainerBenchMeasure", "ContainerBenchBuild", "ContainerBenchHistory", "ContainerBenchAnalysis",
                "ContainerBenchPlot", "ContainerBenchReport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "containerbench",
            dependencies: [
                "ContainerBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Real helpers for tests, and the in-memory engine, builder, probe, sampler and clock the session's unit
        // tests run on.
        .target(
            name: "ContainerBenchTestSupport",
            dependencies: ["ContainerBench"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ContainerBenchTests",
            dependencies: ["ContainerBench", "ContainerBenchTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: ["ContainerBench", "ContainerBenchTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ContainerBench", "ContainerBenchTestSupport"],
            swiftSettings: strict
        ),
    ]
)
