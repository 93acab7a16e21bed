import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// `--cache DIR` on the fake disk: keys, hits that run no job, damaged entries, results, the size limit.
@Suite struct ContentCacheTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        sheet: build/sheet.jpg <- build/thumbs/*.webp
            arrayjoin across=2
        """

    func tree() -> TestTree {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.cache = CacheSettings(directory: "/cache")
        return tree
    }

    /// The tree as a fresh clone sees it: no outputs, no state.
    func forgetEverything(_ tree: TestTree) throws {
        for path in ["/t/build/thumbs/a.webp", "/t/build/thumbs/b.webp", "/t/build/sheet.jpg"] { try tree.disk.remove(path) }
        for entry in tree.disk.list("/t/.imgmake") ?? [] { try tree.disk.remove("/t/.imgmake/" + entry.name) }
        tree.disk.advance()
    }

    @Test func aFreshTreeTakesEveryOutputFromTheCacheAndRunsNoJob() throws {
        let tree = tree()
        let first = try tree.build(["sheet"])
        #expect(first.built.count == 3 && first.summary.fromCache == 0)
        let outputs = try ["a", "b"].map { try tree.disk.read("/t/build/thumbs/\($0).webp") } + [try tree.disk.read("/t/build/sheet.jpg")]
        try forgetEverything(tree)
        let (session, builder, executor) = try tree.makeBuilder()
        let summary = try builder.build(session.edges(for: ["sheet"]))
        #expect(executor.written.isEmpty, "no job ran: \(executor.written)")
        #expect(summary.built == 3 && summary.fromCache == 3, "\(summary.line)")
        #expect(summary.line.hasPrefix("3 built (3 from cache), 0 failed"), "\(summary.line)")
        #expect(builder.results.allSatisfy { $0.fromCache })
        let again = try ["a", "b"].map { try tree.disk.read("/t/build/thumbs/\($0).webp") } + [try tree.disk.read("/t/build/sheet.jpg")]
        #expect(again == outputs, "byte-identical")
        // Recorded as built: the next run has nothing to do.
        tree.disk.advance()
        #expect(try tree.build(["sheet"]).built == [])
    }

    @Test func aDamagedEntryIsDetectedByItsDigestRebuiltAndReplaced() throws {
        let tree = tree()
        try tree.build(["thumbs"])
        // Damage every entry's bytes (not its metadata).
        for folder in tree.disk.list("/cache") ?? [] {
            for entry in tree.disk.list("/cache/" + folder.name) ?? [] where !entry.name.hasSuffix(".meta") {
                tree.disk.write("/cache/\(folder.name)/\(entry.name)", "garbage")
            }
        }
        try forgetEverything(tree)
        let rebuilt = try tree.build(["thumbs"])
        #expect(rebuilt.built == ["build/thumbs/a.webp", "build/thumbs/b.webp"], "the jobs ran")
        #expect(
            tree.stderr.contains {
                $0.contains("cache: /cache/") && $0.contains("its content does not match its digest (damaged): removed; the job runs")
            }, "\(tree.stderr)")
        // The entries were replaced: a fresh tree now takes them from the cache.
        try forgetEverything(tree)
        let (session, builder, executor) = try tree.makeBuilder()
        #expect(try builder.build(session.edges(for: ["thumbs"])).fromCache == 2)
        #expect(executor.written.isEmpty)
    }

    @Test func aFunctionsResultComesBackWithItsOutput() throws {
        let tree = TestTree(recipe: "a: out/{name}.png <- photos/*.jpg\n    python tools/f.py:f\n", files: ["photos/a.jpg", "tools/f.py"])
        tree.cache = CacheSettings(directory: "/cache")
        let (session, builder, executor) = try tree.makeBuilder()
        executor.result.withLock { $0 = #"{"faces":2}"# }
        _ = try builder.build(session.edges(for: []))
        try tree.disk.remove("/t/out/a.png")
        for entry in tree.disk.list("/t/.imgmake") ?? [] { try tree.disk.remove("/t/.imgmake/" + entry.name) }
        tree.disk.advance()
        let (again, second, _) = try tree.makeBuilder()
        #expect(try second.build(again.edges(for: [])).fromCache == 1)
        #expect(second.results.first?.result == #"{"faces":2}"#)
        #expect(again.state.newestRecord(of: "out/a.png")?.result == #"{"faces":2}"#)
    }

    @Test func theKeyIsTheRecipeAndTheInputsPathsAndContents() {
        let base = ContentCache.key(fingerprint: 7, inputs: [("photos/a.jpg", "aa"), ("tools/f.py", "bb")])
        #expect(base.count == 64)
        #expect(ContentCache.key(fingerprint: 7, inputs: [("photos/a.jpg", "aa"), ("tools/f.py", "bb")]) == base)
        #expect(ContentCache.key(fingerprint: 8, inputs: [("photos/a.jpg", "aa"), ("tools/f.py", "bb")]) != base)
        #expect(ContentCache.key(fingerprint: 7, inputs: [("photos/a.jpg", "ab"), ("tools/f.py", "bb")]) != base)
        #expect(ContentCache.key(fingerprint: 7, inputs: [("photos/c.jpg", "aa"), ("tools/f.py", "bb")]) != base)
        #expect(ContentCache.key(fingerprint: 7, inputs: [("tools/f.py", "bb"), ("photos/a.jpg", "aa")]) != base)
    }

    @Test func overItsLimitTheLeastRecentlyUsedEntriesGo() throws {
        let disk = MemoryDisk()
        // Each entry: 100 bytes and its metadata (72): three are 516 bytes, two fit in 400.
        let cache = ContentCache(directory: "/cache", maxBytes: 400, disk: disk)
        for (i, key) in ["k1", "k2", "k3"].enumerated() {
            try cache.store(
                ContentCache.key(fingerprint: UInt64(i), inputs: [(key, key)]), bytes: Array(repeating: 1, count: 100), result: nil)
            disk.advance()
        }
        let first = ContentCache.key(fingerprint: 0, inputs: [("k1", "k1")])
        #expect(cache.lookup(first) != .miss)  // used now: the newest
        disk.advance()
        #expect(cache.evictIfNeeded() == 1)
        #expect(cache.lookup(first) != .miss)
        #expect(cache.lookup(ContentCache.key(fingerprint: 1, inputs: [("k2", "k2")])) == .miss, "the least recently used")
        #expect(cache.lookup(ContentCache.key(fingerprint: 2, inputs: [("k3", "k3")])) != .miss)
        #expect(ContentCache.parseSize("10G") == 10 << 30 && ContentCache.parseSize("512M") == 512 << 20)
        #expect(ContentCache.parseSize("1024") == 1024 && ContentCache.parseSize("2kb") == 2048)
        #expect(ContentCache.parseSize("ten") == nil && ContentCache.parseSize("-1") == nil)
    }
}
