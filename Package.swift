// swift-tools-version: 6.1
import PackageDescription

// Plugins/ holds the controller's hardware plugins: ordinary library targets with an explicit
// `path:`, not SwiftPM package plugins.
let package = Package(
    name: "SMSocket",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "smsocket", targets: ["smsocket"]),
        .library(name: "SocketCore", targets: ["SocketCore"]),
        .library(name: "SocketRuntime", targets: ["SocketRuntime"]),
        // For the libFuzzer driver in Fuzz/, a package of its own so that this one builds without the sanitizer.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // RealModule: the sun's trigonometry in the pure core, without importing the C library there.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            path: "Sources/CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .target(name: "SocketCore", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        // -1/errno to typed errors, and the thin calls and the reader thread the plugins share.
        .target(name: "SystemCalls"),
        .target(
            name: "PluginKit",
            dependencies: ["SocketCore", .product(name: "Logging", package: "swift-log")]
        ),
        // What Swift cannot do with Lua directly: the allocator, the count hook, raising errors and yielding
        // from C frames, protected host operations.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(name: "LuaRules", dependencies: ["CLua", "CLuaShim", "SocketCore"]),
        .target(name: "Simulated", dependencies: ["SocketCore", "PluginKit", "SystemCalls"], path: "Plugins/Simulated"),
        .target(name: "OneWire", dependencies: ["SocketCore", "PluginKit", "SystemCalls"], path: "Plugins/OneWire"),
        .target(name: "CGPIO", path: "Plugins/LinuxGPIO/CGPIO"),
        .target(
            name: "LinuxGPIO", dependencies: ["CGPIO", "SocketCore", "PluginKit", "SystemCalls"], path: "Plugins/LinuxGPIO",
            exclude: ["CGPIO"]
        ),
        .target(name: "Exec", dependencies: ["SocketCore", "PluginKit", "SystemCalls"], path: "Plugins/Exec"),
        .target(
            name: "ATModem",
            dependencies: ["SocketCore", "PluginKit", "SystemCalls", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/ATModem"
        ),
        .target(
            name: "SocketRuntime",
            dependencies: [
                "SocketCore", "PluginKit", "SystemCalls", "LuaRules", "Simulated", "OneWire", "LinuxGPIO", "Exec", "ATModem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "smsocket",
            dependencies: [
                "SocketRuntime", "SocketCore", "Simulated",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release binary is what a board runs for months; these keep what the loader reads once
            // at start out of its resident memory (README, Performance): lld packs the ~93,000 relative
            // relocations into a few KiB (DT_RELR, glibc ≥ 2.36), and the executable exports no symbols
            // (the Swift static libraries ask for --export-dynamic; nothing here looks symbols up).
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(
            name: "socket-bench",
            dependencies: [
                "SocketCore", "SocketRuntime", "ATModem", "ModemSimulator", "LuaRules", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/socket-bench"
        ),
        // Helpers shared by the test targets and the benchmark.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The fuzz targets' entry functions and invariants, shared by the libFuzzer driver (Fuzz/) and the tests.
        .target(name: "FuzzTargets", dependencies: ["SocketCore", "ATModem", "PluginKit", "SocketRuntime"], path: "Tests/FuzzTargets"),
        // Every committed corpus and regression input of Fuzz/ through its target, without the sanitizer.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "SocketCoreTests", dependencies: ["SocketCore", "TestSupport"]),
        .testTarget(name: "LuaRulesTests", dependencies: ["LuaRules", "SocketCore"]),
        .testTarget(name: "SimulatedTests", dependencies: ["Simulated", "SocketCore"]),
        .testTarget(name: "OneWireTests", dependencies: ["OneWire", "SocketCore", "PluginKit", "TestSupport"]),
        .testTarget(name: "LinuxGPIOTests", dependencies: ["LinuxGPIO", "CGPIO", "SocketCore", "PluginKit", "TestSupport"]),
        .testTarget(name: "ExecTests", dependencies: ["Exec", "SocketCore", "PluginKit", "TestSupport"]),
        .testTarget(name: "PluginKitTests", dependencies: ["PluginKit"]),
        // The SIM800 / Huawei stick simulator on a pseudo-terminal, for the tests and the benchmark.
        .target(name: "ModemSimulator", dependencies: ["ATModem", "SystemCalls"], path: "Tests/ModemSimulator"),
        .testTarget(
            name: "ATModemTests",
            dependencies: [
                "ATModem", "ModemSimulator", "SocketCore", "PluginKit", "SocketRuntime", "Simulated", "TestSupport", "FuzzTargets",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            // Recorded modem dialects are read from the source tree by path, not bundled.
            exclude: ["Dialects"]
        ),
        .testTarget(
            name: "SocketRuntimeTests",
            dependencies: [
                "SocketRuntime", "SocketCore", "Simulated", "SystemCalls", "TestSupport", "ATModem", "ModemSimulator",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            // Conversations and hostile configuration files are read from the source tree by path, not bundled.
            exclude: ["Transcripts", "HostileConfigs", "SunReference"]
        ),
    ]
)
