// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Grove",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "grove", targets: ["grove"]),
        .library(name: "GroveCore", targets: ["GroveCore"]),
        .library(name: "GroveLua", targets: ["GroveLua"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // Only the tests name these directly (an HTTPS hook receiver); GroveHookDelivery and
        // GroveRemote reach them through AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
    ],
    targets: [
        // Lua 5.4 from the system (liblua5.4-dev); nothing of Lua is vendored.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // The C API's macros as functions, and the trampoline that raises Lua errors
        // only after the Swift frame has returned.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // libedit's readline interface (libedit-dev's header), loaded with dlopen when the
        // shell starts: the executable does not link it.
        .target(name: "CEditline"),
        .target(name: "GroveLua", dependencies: ["CLuaShim"]),
        // The text formats Grove parses itself (JSON, ISO 8601, form encoding and Rails
        // brackets, multipart, RE2-checked patterns): Foundation only, so the libFuzzer
        // targets below build without the rest of the package.
        .target(name: "GroveFormats"),
        .target(
            name: "GroveCore",
            dependencies: [
                "GroveFormats",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the cached statements bound and stepped directly.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Hook test deliveries over HTTP(S), given to a store by whoever opens it: the core
        // makes no HTTP requests itself.
        .target(
            name: "GroveHookDelivery",
            dependencies: [
                "GroveCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // GitLab REST v4 over the core: one route per operation descriptor.
        .target(
            name: "GroveServer",
            dependencies: [
                "GroveCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The core's operations sent to a real GitLab: requests built from the descriptors,
        // GitLab's answers read back as the core's values and errors.
        .target(
            name: "GroveRemote",
            dependencies: [
                "GroveCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // An HTTP proxy on loopback that injects GitLab's faults and a network's latency
        // (the remote backend's tests and bench/remote), and a hook receiver for tests.
        .target(
            name: "FaultProxy",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Lua bindings: thin adapters from Lua calls to core operations, on either backend.
        .target(
            name: "GroveBindings",
            dependencies: ["GroveLua", "GroveCore", "GroveRemote", "GroveHookDelivery", .product(name: "CSV", package: "CSV.swift")]
        ),
        .executableTarget(
            name: "grove",
            dependencies: [
                "GroveLua", "GroveCore", "GroveBindings", "GroveServer", "GroveRemote", "GroveHookDelivery", "CEditline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The fingerprints a plan records of the state it was made from.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "GroveCoreBench",
            dependencies: ["GroveCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "bench/GroveCoreBench"
        ),
        .executableTarget(
            name: "GroveBindingsBench",
            dependencies: ["GroveBindings", "GroveCore", "GroveLua"],
            path: "bench/GroveBindingsBench"
        ),
        .executableTarget(
            name: "GroveListsBench",
            dependencies: ["GroveBindings", "GroveCore", "GroveLua", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            path: "bench/GroveListsBench"
        ),
        // libFuzzer targets for GroveFormats' parsers (scripts/fuzz); a plain build replays a corpus.
        .executableTarget(name: "GroveFormatsFuzz", dependencies: ["GroveFormats"], path: "Tests/fuzz/GroveFormatsFuzz"),
        .executableTarget(name: "LatencyProxy", dependencies: ["FaultProxy"], path: "bench/LatencyProxy"),
        .testTarget(name: "GroveLuaTests", dependencies: ["GroveLua"]),
        .testTarget(name: "GroveFormatsTests", dependencies: ["GroveFormats", "GroveFormatsFuzz"]),
        .testTarget(
            name: "GroveCoreTests",
            dependencies: [
                "GroveCore", "GroveHookDelivery", "FaultProxy",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "GroveBindingsTests", dependencies: ["GroveBindings", "GroveLua", "GroveCore", "GroveHookDelivery", "FaultProxy"]),
        .testTarget(name: "GroveRemoteTests", dependencies: ["GroveRemote", "GroveCore"]),
        .testTarget(name: "GroveCLITests", dependencies: ["grove", "FaultProxy"]),
        .testTarget(
            name: "GroveServerTests",
            dependencies: [
                "GroveServer", "GroveCore", "GroveRemote", "GroveBindings", "GroveLua", "GroveHookDelivery", "FaultProxy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
