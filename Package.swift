// swift-tools-version:6.0
import PackageDescription

// The layers (ARCHITECTURE.md): each target may import only those below it.
//
//   imgmake (main.swift) → ImgmakeCLI → ImgmakeCore → ImgmakeJob, ImgmakeRecipe, ImgmakeSync
//                                     → ImgmakeVips → ImgmakeJob, ImgmakeSync, CVips
//                                     → CReadline, CHTTP, ArgumentParser
//
// The core has no libvips, readline or ArgumentParser: its tests and the fuzzers link none of them.

// The no-op path's targets, in release builds, without the run-time exclusivity checks on class properties
// (`swift_beginAccess`, a tenth of a no-op's instructions); debug builds, which the tests run, keep them.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "imgmake",
    // Synchronization.Mutex, the lock of every target, needs macOS 15.
    platforms: [.macOS(.v15)],
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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // libvips' headers and GLib/GObject (linked, found with pkg-config); shim.h adds inline helpers for the C
        // macros Swift cannot see. libvips itself is not linked: CVipsLoader loads it on first use.
        .systemLibrary(name: "CVips", pkgConfig: "gobject-2.0", providers: [.apt(["libvips-dev"])]),
        // Stubs for the libvips functions imgmake calls, which load libvips with dlopen on the first call; and
        // liborc's code-memory calls behind one lock (orc_serial.c), exported so that libvips binds to them.
        .target(
            name: "CVipsLoader",
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-Xlinker", "--export-dynamic-symbol=orc_program_compile",
                        "-Xlinker", "--export-dynamic-symbol=orc_program_free",
                    ], .when(platforms: [.linux]))
            ]
        ),
        // HTTP through libcurl, loaded with dlopen on the first request (`--remote-cache`); no headers or link needed.
        .target(name: "CHTTP"),
        // GNU readline for the interactive shell. Not through pkg-config: Debian's readline.pc brings ncurses'
        // -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600, which SwiftPM refuses with a warning; the headers are in /usr/include.
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // The recipe language: lexer, parser, includes and variables, globs, placeholders. No libvips.
        .target(name: "ImgmakeRecipe", swiftSettings: hotPathSettings),
        // The job model: operations and their arguments, typed values, one output's job, its result. No libvips.
        .target(name: "ImgmakeJob"),
        // The one condition type (a lock threads wait on); plain locks are the standard library's Mutex.
        .target(name: "ImgmakeSync"),
        // The pixel kernels of imgmake's thumbnail (box shrink, premultiply, exact Lanczos-3), plain C on memory; -O3
        // in every configuration, so that the compiler vectorises them (and the debug tests run them at speed).
        .target(name: "ImgmakeKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // The libvips binding: introspection, typed calls, the image pipeline a job runs.
        .target(name: "ImgmakeVips", dependencies: ["ImgmakeJob", "ImgmakeSync", "CVips", "CVipsLoader", "ImgmakeKernels"]),
        // Checking, graph and staleness, state, the disk interface, the scheduler and the pool protocol, and the
        // command logic every front end shares (Session, BuildRun, Cleaner, Explanation, RecipeListing).
        .target(name: "ImgmakeCore", dependencies: ["ImgmakeRecipe", "ImgmakeJob", "ImgmakeSync"], swiftSettings: hotPathSettings),
        // The front ends and the pools: ArgumentParser commands, the readline shell, the thread and process
        // pools, the worker.
        .target(
            name: "ImgmakeCLI",
            dependencies: [
                "ImgmakeCore", "ImgmakeRecipe", "ImgmakeJob", "ImgmakeSync", "ImgmakeVips", "CVips", "CReadline", "CHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "imgmake", dependencies: ["ImgmakeCLI"]),
        // Fakes for tests and fuzzers: MemoryDisk (with a hand-driven clock), FakeCatalog, FakeExecutor, TestTree.
        .target(name: "ImgmakeTestSupport", dependencies: ["ImgmakeCore", "ImgmakeRecipe", "ImgmakeJob", "ImgmakeSync"]),
        .testTarget(name: "ImgmakeRecipeTests", dependencies: ["ImgmakeRecipe"]),
        .testTarget(
            name: "ImgmakeVipsTests",
            dependencies: ["ImgmakeVips", "ImgmakeJob", "ImgmakeSync", "ImgmakeKernels", "CVips", "CVipsLoader"]),
        .testTarget(name: "ImgmakeCoreTests", dependencies: ["ImgmakeCore", "ImgmakeTestSupport", "ImgmakeSync"]),
        .testTarget(name: "ImgmakeCLITests", dependencies: ["ImgmakeCLI", "ImgmakeTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ImgmakeCore", "ImgmakeCLI", "ImgmakeTestSupport", "imgmake", "ImgmakeSync"]),
    ]
)
