import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// `--check hash` (README's *How staleness works*, rule 5) and `--shard` (README's *The command line*), on the in-memory disk.
@Suite struct HashCheckTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        sheet: build/sheet.jpg <- build/thumbs/*.webp
            arrayjoin across=2
        """

    @Test func newMtimesAloneBuildNothing() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.checkHash = true
        try tree.build(["sheet"])
        // A fresh clone: every file gets a new mtime, contents unchanged.
        for path in ["/t/photos/a.jpg", "/t/photos/b.jpg"] { tree.disk.write(path, "pixels of \(path.dropFirst(3))") }
        #expect(try tree.build(["sheet"]).built == [])
        // Changed pixels with an older mtime: rebuilt all the same.
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        tree.disk.setMtime("/t/photos/a.jpg", 5)
        #expect(try tree.reasons("build/thumbs/a.webp") == [.contentChanged("photos/a.jpg")])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test func shardsSplitPerInputOutputsAndDeferAggregates() throws {
        let files = (0..<12).map { "photos/p\($0).jpg" }
        var built: [String] = []
        var deferred = 0
        for k in 1...3 {
            let tree = TestTree(recipe: Self.recipe, files: files)
            tree.shard = Shard(index: k, count: 3)
            let result = try tree.build(["sheet"])
            #expect(!result.built.contains("build/sheet.jpg"))
            built += result.built
            deferred += result.summary.deferred
        }
        #expect(built.sorted() == files.map { "build/thumbs/" + $0.dropFirst(7).replacingOccurrences(of: ".jpg", with: ".webp") }.sorted())
        #expect(deferred == 3)
    }
}

/// `--check hash` on a tree built without it, and inputs touched but unchanged.
@Suite struct HashRecordingTests {
    func inputs(_ tree: TestTree, _ output: String) -> [InputRecord] {
        BuildState(root: "/t", disk: tree.disk).allRecords()[output]?.inputs ?? []
    }

    @Test func aHashRunRecordsTheDigestsItLacks() throws {
        let tree = TestTree(recipe: HashCheckTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        try tree.build(["sheet"])  // a developer's build, without --check hash
        #expect(inputs(tree, "build/thumbs/a.webp").map(\.digest) == [""])
        tree.checkHash = true
        #expect(try tree.build(["sheet"]).built == [])
        #expect(inputs(tree, "build/thumbs/a.webp").map(\.digest) == [tree.disk.digest("/t/photos/a.jpg")!])
        #expect(inputs(tree, "build/sheet.jpg").allSatisfy { !$0.digest.isEmpty })
        // CI: a fresh clone (new mtimes, same contents) with the outputs and .imgmake/ restored.
        for photo in ["a", "b"] { tree.disk.write("/t/photos/\(photo).jpg", "pixels of photos/\(photo).jpg") }
        #expect(try tree.build(["sheet"]).built == [])
    }

    @Test func aTouchedInputIsHashedOnce() throws {
        let tree = TestTree(recipe: HashCheckTests.recipe, files: ["photos/a.jpg"])
        tree.checkHash = true
        try tree.build(["thumbs"])
        tree.disk.write("/t/photos/a.jpg", "pixels of photos/a.jpg")  // touched: a new mtime, the same content
        #expect(try tree.build(["thumbs"]).built == [])
        // The record now has the new stamp, so the next run compares stamps and does not read the file.
        #expect(inputs(tree, "build/thumbs/a.webp").map(\.stamp) == [tree.disk.stamp("/t/photos/a.jpg")!])
    }
}
