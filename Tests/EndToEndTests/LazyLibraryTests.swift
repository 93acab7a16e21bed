import Foundation
import Testing

/// libvips is loaded with `dlopen` on first use (Sources/CVipsLoader): what needs no pixels and no introspection
/// maps none of libvips' ~100 libraries, which are most of imgmake's start-up. Seen with the dynamic loader's own
/// log (`LD_DEBUG=files` names every library it loads, on stderr).
@Suite struct LazyLibraryTests {
    private static let recipe = "thumbs: out/{name}.png <- photos/*.png\n    thumbnail 16\n"

    private func loadsLibvips(_ run: RunResult) -> Bool { run.stderr.contains("libvips.so") }

    @Test func aNoOpBuildAndTheCommandsThatNeedNoPixelsDoNotLoadLibvips() throws {
        let box = try Sandbox("lazy-libvips", recipe: Self.recipe, images: [("photos/a.png", 32, 32, 1), ("photos/b.png", 32, 32, 2)])
        let debug = ["LD_DEBUG": "files"]
        // `--version` reports libvips: the first time for a libvips file (a cache of its own) it loads libvips.
        let cache = box.base + "/xdg-cache"
        let first = try box.imgmake(arguments: ["--version"], environment: debug.merging(["XDG_CACHE_HOME": cache]) { $1 })
        #expect(loadsLibvips(first) && first.stdout.contains("libvips "), "\(first)")
        let build = try box.imgmake(arguments: ["-j2"], environment: debug)
        #expect(build.status == 0, "\(build)")
        #expect(build.summary == Summary(built: 2), "\(build)")
        #expect(loadsLibvips(build), "jobs ran, so libvips was loaded: \(build)")
        for arguments in [
            [], ["list"], ["explain", "out/a.png"], ["--version"], ["-n"],
            ["---completion", "build", "--", "positional@0", "1", "0", "imgmake", "th"],
        ] {
            let run = try box.imgmake(arguments: arguments, environment: debug.merging(["XDG_CACHE_HOME": cache]) { $1 })
            #expect(run.status == 0, "\(arguments): \(run)")
            #expect(
                !loadsLibvips(run),
                "\(arguments) loaded libvips: \(run.stderr.split(separator: "\n").filter { $0.contains("vips") }.prefix(3))")
        }
        // A stale output loads it again, and the build is right.
        try box.image("photos/c.png", width: 32, height: 32, seed: 3)
        let again = try box.imgmake(arguments: [], environment: debug)
        #expect(again.summary == Summary(built: 1, upToDate: 2), "\(again)")
        #expect(loadsLibvips(again), "\(again)")
    }

    /// The libvips version in every fingerprint comes from `.imgmake/catalog.json` on a no-op; a file that
    /// says another version is caught when libvips is loaded for jobs, and rewritten from libvips.
    @Test func aCatalogThatNamesAnotherLibvipsVersionIsRewritten() throws {
        let box = try Sandbox("lazy-version", recipe: Self.recipe, images: [("photos/a.png", 32, 32, 1)])
        #expect(try box.imgmake().status == 0)
        let path = box.root + "/.imgmake/catalog.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let version = try #require(text.firstMatch(of: /"version":"(vips-[0-9.]+)"/)?.1)
        try text.replacingOccurrences(of: "\"version\":\"\(version)\"", with: "\"version\":\"vips-0.0.1\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        // The forged version makes every fingerprint differ: the output is rebuilt, the file corrected.
        let forged = try box.imgmake()
        #expect(forged.summary == Summary(built: 1), "\(forged)")
        #expect(forged.stderr.contains("disagreed with libvips (version vips-0.0.1, libvips says \(version))"), "\(forged)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"version\":\"\(version)\""))
        #expect(try box.imgmake().summary == Summary(upToDate: 1), "recorded with libvips' own version")
    }
}
