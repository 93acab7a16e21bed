import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Early cutoff (README's *How staleness works*; ninja's `restat`, redo's `redo-stamp`): an output rebuilt
/// byte-identical to the file it replaced does not rebuild what is made from it. The fake pool writes outputs
/// that are a function of their sources' contents.
@Suite struct EarlyCutoffTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        big: build/big/{name}.jpg <- build/thumbs/*.webp
            sharpen
        sheet: build/sheet.jpg <- build/big/*.jpg
            arrayjoin across=2
        """

    func builtTree() throws -> TestTree {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.deterministicJobs = true
        #expect(try tree.build(["sheet"]).built.count == 5)
        return tree
    }

    @Test func aTouchedPhotoRebuildsItsThumbnailAndNothingMadeFromIt() throws {
        let tree = try builtTree()
        tree.disk.write("/t/photos/a.jpg", "pixels of photos/a.jpg")  // same content, new mtime: a touch
        #expect(try tree.reasons("build/big/a.jpg") == [.inputRebuilt("build/thumbs/a.webp")])
        let (session, builder, _) = try tree.makeBuilder()
        let summary = try builder.build(session.edges(for: ["sheet"]))
        #expect(summary.built == 1 && summary.upToDate == 4, "\(summary.line)")
        let cut = builder.results.filter { $0.reason.hasPrefix("early cutoff") }
            .map { session.graph.display(session.graph.edges[$0.edge].output) }
        // The chain is cut at its first link: big/a.jpg is cut off, and the sheet, which waited on it, too.
        #expect(cut == ["build/big/a.jpg", "build/sheet.jpg"], "\(cut)")
        #expect(
            builder.results.first { $0.reason.hasPrefix("early cutoff") }?.reason
                == "early cutoff: its input build/thumbs/a.webp came out byte-identical")
        // Their records took the new stamps: the next run has nothing to do.
        tree.disk.advance()
        #expect(try tree.build(["sheet"]).built == [])
    }

    @Test func aChangedPhotoRebuildsTheWholeChain() throws {
        let tree = try builtTree()
        tree.disk.write("/t/photos/a.jpg", "other pixels")
        #expect(try tree.build(["sheet"]).built == ["build/big/a.jpg", "build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test func anOutputWithoutItsOldContentIsNeverCutOff() throws {
        // The thumbnail was deleted: what it was is not known, so what is made from it is rebuilt; that one
        // comes out as it was (its old file was imgmake's), so the sheet is cut off there.
        let tree = try builtTree()
        try tree.disk.remove("/t/build/thumbs/a.webp")
        let rebuilt = try tree.build(["sheet"]).built
        #expect(rebuilt == ["build/big/a.jpg", "build/thumbs/a.webp"], "\(rebuilt)")
        // Replaced behind imgmake's back (its stamp is not the recorded one): the same.
        tree.disk.advance()
        tree.disk.write("/t/build/thumbs/b.webp", "image from pixels of photos/b.jpg")
        tree.disk.write("/t/photos/b.jpg", "pixels of photos/b.jpg")
        let replaced = try tree.build(["sheet"]).built
        #expect(replaced == ["build/big/b.jpg", "build/thumbs/b.webp"], "\(replaced)")
        // The sheet's old file replaced too: nothing is cut off.
        tree.disk.advance()
        tree.disk.write("/t/build/sheet.jpg", "someone else's sheet")
        tree.disk.write("/t/build/big/a.jpg", "someone else's image")
        #expect(try tree.build(["sheet"]).built == ["build/big/a.jpg", "build/sheet.jpg"])
    }

    @Test func anOutputWithAnotherReasonIsRebuilt() throws {
        // The sheet's own recipe changed: its input came out the same, but it is rebuilt for its own reason.
        let tree = try builtTree()
        tree.disk.write("/t/photos/a.jpg", "pixels of photos/a.jpg")
        tree.disk.write("/t/Imgmakefile", Self.recipe.replacing("across=2", with: "across=1"))
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test func aShardedRunLeavesItsLogEvenWhenItBuiltNothing() throws {
        let tree = try builtTree()
        tree.shard = Shard(index: 1, count: 2)
        #expect(try tree.build(["thumbs"]).built == [])
        #expect(tree.disk.exists("/t/.imgmake/log.shard-1-of-2"))
        tree.shard = Shard(index: 2, count: 2)
        #expect(try tree.build(["thumbs"]).built == [])
        // The fan-in run finds both shards' logs (empty ones too): no warning.
        #expect(BuildState(root: "/t", disk: tree.disk).warnings.isEmpty)
    }
}
