// swift-tools-version:6.0
import PackageDescription

// The layers (ARCHITECTURE.md): each target may import only those below it.
//
//   imgmake (main.swift) → ImgmakeCLI → ImgmakeCore → ImgmakeJob, ImgmakeRecipe
//                                     → ImgmakeVips → ImgmakeJob, CVips
//                                     → CReadline, ArgumentParser
//
// The core has no libvips, readline or ArgumentParser: its tests and the fuzzers link none of them.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "imgmake",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "imgmake", targets: ["imgmake"]),
        // For the fuzz package (fuzz/Package.swift): the recipe language, the job model, the core and its test
        // fakes without libvips; the binding for FuzzRecipe's real-catalog mode.
        .library(name: "ImgmakeRecipe", targets: ["ImgmakeRecipe"]),
        .library(name: "ImgmakeJob", targets: ["ImgmakeJob"]),
        .library(name: "ImgmakeCore", targets: ["ImgmakeCore"]),
        .library(name: "ImgmakeVips", targets: ["ImgmakeVips"]),
        .library(name: "ImgmakeTestSupport", targets: ["ImgmakeTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // libvips and GLib, found with pkg-config; shim.h adds inline helpers for the C macros Swift cannot see.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // GNU readline for the interactive shell.
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),
        // The recipe language: lexer, parser, includes and variables, globs, placeholders. No libvips.
        .target(name: "ImgmakeRecipe", swiftSettings: v5),
        // The job model: operations and their arguments, typed values, one output's job, its result. No libvips.
        .target(name: "ImgmakeJob", swiftSettings: v5),
        // The libvips binding: introspection, typed calls, the image pipeline a job runs.
        .target(name: "ImgmakeVips", dependencies: ["ImgmakeJob", "CVips"], swiftSettings: v5),
        // Checking, graph and staleness, state, the disk interface, the scheduler and the pool protocol, and the
        // command logic every front end shares (Session, BuildRun, Cleaner, Explanation, RecipeListing).
        .target(name: "ImgmakeCore", dependencies: ["ImgmakeRecipe", "ImgmakeJob"], swiftSettings: v5),
        // The front ends and the pools: ArgumentParser commands, the readline shell, the thread and process
        // pools, the worker.
        .target(
            name: "ImgmakeCLI",
            dependencies: [
                "ImgmakeCore", "ImgmakeRecipe", "ImgmakeJob", "ImgmakeVips", "CVips", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: v5
        ),
        .executableTarget(name: "imgmake", dependencies: ["ImgmakeCLI"], swiftSettings: v5),
        // Fakes for tests and fuzzers: MemoryDisk (with a hand-driven clock), FakeCatalog, FakeExecutor, TestTree.
        .target(name: "ImgmakeTestSupport", dependencies: ["ImgmakeCore", "ImgmakeRecipe", "ImgmakeJob"], swiftSettings: v5),
        .testTarget(name: "ImgmakeRecipeTests", dependencies: ["ImgmakeRecipe"], swiftSettings: v5),
        .testTarget(name: "ImgmakeVipsTests", dependencies: ["ImgmakeVips", "ImgmakeJob"], swiftSettings: v5),
        .testTarget(name: "ImgmakeCoreTests", dependencies: ["ImgmakeCore", "ImgmakeTestSupport"], swiftSettings: v5),
        .testTarget(name: "ImgmakeCLITests", dependencies: ["ImgmakeCLI", "ImgmakeTestSupport"], swiftSettings: v5),
        .testTarget(name: "EndToEndTests", dependencies: ["ImgmakeCore", "ImgmakeCLI", "ImgmakeTestSupport", "imgmake"], swiftSettings: v5),
    ]
)
