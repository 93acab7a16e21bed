// swift-tools-version:6.0
// libFuzzer targets for imgmake, in their own package so the main build and CI are not affected.
// Built by scripts/fuzz.sh:
//   swift build -c debug --package-path fuzz --scratch-path fuzz/.build --product FuzzRecipe \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "imgmake-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "imgmake", path: "..")],
    targets: [
        .executableTarget(name: "FuzzRecipe", dependencies: [.product(name: "ImgmakeKit", package: "imgmake")],
                          swiftSettings: v5),
        .executableTarget(name: "FuzzStateLog", dependencies: [.product(name: "ImgmakeKit", package: "imgmake")],
                          swiftSettings: v5),
    ]
)
