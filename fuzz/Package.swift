// swift-tools-version:6.0
// libFuzzer targets for imgmake, in their own package so the main build and CI are not affected.
// Built by scripts/fuzz.sh:
//   swift build -c debug --package-path fuzz --scratch-path fuzz/.build --product FuzzRecipe \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// The fakes (MemoryDisk, FakeCatalog) are the unit tests' own, from ImgmakeTestSupport. FuzzStateLog and
// FuzzStateSnapshot link no libvips; FuzzRecipe links the binding for its default mode (libvips' real catalog).
import PackageDescription

func imgmake(_ product: String) -> Target.Dependency { .product(name: product, package: "imgmake") }

let package = Package(
    name: "imgmake-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "imgmake", path: "..")],
    targets: [
        .executableTarget(name: "FuzzRecipe", dependencies: [imgmake("ImgmakeCore"), imgmake("ImgmakeRecipe"), imgmake("ImgmakeJob"),
                                                             imgmake("ImgmakeVips"), imgmake("ImgmakeTestSupport")]),
        .executableTarget(name: "FuzzStateLog", dependencies: [imgmake("ImgmakeCore"), imgmake("ImgmakeTestSupport")]),
        .executableTarget(name: "FuzzStateSnapshot", dependencies: [imgmake("ImgmakeCore"), imgmake("ImgmakeTestSupport")]),
    ]
)
