// libFuzzer target: the bytes are the top recipe file. They go through everything `imgmake` does before a
// job runs, all in memory: RecipeLoader (with includes served from the same MemoryDisk), RecipeChecker
// against libvips' own catalog, GraphBuilder/BuildGraph over a few files, BuildState, staleness.
// Nothing may crash; a RecipeErrors/UsageError is a fine answer.
import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

@testable import ImgmakeCore
@testable import ImgmakeTestSupport

/// Files every input sees: sources for the globs, include files, an `@` image, and an old state log.
private let fixedFiles: [(String, String)] = [
    ("/t/photos/a.jpg", "jpeg"), ("/t/photos/b.png", "png"), ("/t/photos/sub/c.jpg", "jpeg"),
    ("/t/photos/x y/ü d.JPG", "jpeg"), ("/t/assets/logo.png", "png"), ("/t/build/thumbs/old.webp", "webp"),
    ("/t/common.imgmake", "SIZE = 32\nQUALITY = 80\n"),
    ("/t/inc/other.imgmake", "include ../common.imgmake\nmore: build/more/{name}.jpg <- photos/*.jpg\n    thumbnail $(SIZE)\n"),
    ("/t/loop.imgmake", "include loop.imgmake\n"),
]

/// The real catalog: libvips' introspection (through the ImgmakeVips binding). IMGMAKE_FUZZ_FAKE_CATALOG=1 uses
/// the unit tests' `FakeCatalog` instead (faster, libvips never called).
/// (`nonisolated(unsafe)`: libFuzzer calls `fuzz` on one thread, one input at a time; the catalog is only read.)
nonisolated(unsafe) private let catalog: OperationCatalog =
    ProcessInfo.processInfo.environment["IMGMAKE_FUZZ_FAKE_CATALOG"] != nil ? FakeCatalog() : VipsCatalog.shared

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let disk = MemoryDisk()
    for (path, text) in fixedFiles { disk.write(path, text) }
    disk.write("/t/Imgmakefile", bytes: bytes)
    disk.advance()

    // 1. The loader alone, through the reader a session uses (on the MemoryDisk).
    _ = try? RecipeLoader(reader: DiskRecipeReader(disk: disk)).load(
        file: "/t/Imgmakefile", overrides: ["SIZE": "64"],
        displayRelativeTo: "/t")
    // 2. The whole session: load, check, graph, state, staleness; with and without --allow-outside.
    for allowOutside in [false, true] {
        var options = Session.Options()
        options.allowOutside = allowOutside
        options.maxPixels = 1000
        guard let session = try? Session(options: options, overrides: [:], disk: disk, catalog: catalog, cwd: "/t") else {
            continue
        }
        let all = Array(session.graph.edges.indices)
        _ = session.staleness(of: all)
        _ = try? session.edges(for: [])
        for name in session.recipe.targetNames.prefix(4) { _ = try? session.edges(for: [name]) }
        for edge in session.graph.edges.prefix(8) {
            _ = session.graph.edges(forTarget: edge.output, cwd: "/t")
        }
    }
    return 0
}
