// swift-tools-version:6.0
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "imgmake",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "imgmake", targets: ["imgmake"]),
        .library(name: "ImgmakeKit", targets: ["ImgmakeKit"]),
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
        // The libvips binding: introspection, typed calls, the image pipeline a job runs.
        .target(name: "ImgmakeVips", dependencies: ["CVips"], swiftSettings: v5),
        // Checking, graph and staleness, state, pools, command line.
        .target(
            name: "ImgmakeKit",
            dependencies: [
                "ImgmakeRecipe", "ImgmakeVips", "CVips", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: v5
        ),
        .executableTarget(name: "imgmake", dependencies: ["ImgmakeKit"], swiftSettings: v5),
        .testTarget(name: "ImgmakeRecipeTests", dependencies: ["ImgmakeRecipe"], swiftSettings: v5),
        .testTarget(name: "ImgmakeVipsTests", dependencies: ["ImgmakeVips"], swiftSettings: v5),
        .testTarget(name: "ImgmakeKitTests", dependencies: ["ImgmakeKit"], swiftSettings: v5),
        .testTarget(name: "EndToEndTests", dependencies: ["ImgmakeKit", "imgmake"], swiftSettings: v5),
    ]
)
