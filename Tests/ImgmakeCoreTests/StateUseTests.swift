import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// How builds and `clean` use the build state: which recipe file a record belongs to, adopting outputs after
/// `.imgmake/` was lost, dead writers' temporaries, and two builds that did not see each other.
@Suite struct StateUseTests {
    static let thumbs = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        """
    static let web = """
        web: build/web/{name}.jpg <- photos/*.jpg
            thumbnail 400
        """

    /// `Imgmakefile` and `web.imgmake` in one folder, both built.
    func twoRecipes() throws -> TestTree {
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.disk.write("/t/web.imgmake", Self.web)
        #expect(try tree.build().built == ["build/thumbs/a.webp", "build/thumbs/b.webp"])
        tree.file = "web.imgmake"
        #expect(try tree.build().built == ["build/web/a.jpg", "build/web/b.jpg"])
        tree.file = "Imgmakefile"
        return tree
    }

    func orphans(_ tree: TestTree) throws -> [String] {
        let session = try tree.session()
        return Cleaner(session: session).orphans().map { session.graph.display($0) }
    }

    @Test func cleanOrphansLeavesAnotherRecipeFilesOutputs() throws {
        let tree = try twoRecipes()
        #expect(try orphans(tree) == [])
        tree.file = "web.imgmake"
        #expect(try orphans(tree) == [])
        // A deleted photo: each recipe's orphan is its own thumbnail, never the other one's.
        try tree.disk.remove("/t/photos/b.jpg")
        #expect(try orphans(tree) == ["build/web/b.jpg"])
        tree.file = "Imgmakefile"
        #expect(try orphans(tree) == ["build/thumbs/b.webp"])
    }

    @Test func recordsOfAnOlderImgmakeAreNeverOrphans() throws {
        // Lines of an older imgmake say nothing of the recipe file that wrote them: they might be another
        // recipe's, so `clean --orphans` leaves their files alone.
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg"])
        tree.disk.write("/t/old/x.webp", "someone's output")
        let stamp = try #require(tree.disk.stamp("/t/old/x.webp"))
        let line = Array("r\t5\told/x.webp\t\(stamp.mtime)\t\(stamp.size)\t0000000000000007\t0".utf8)
        try tree.disk.append(
            "/t/.imgmake/log", Array(BuildLogCodec.header.utf8) + line + Array("\t\(FNV1a.hash(bytes: line).hex16)\n".utf8))
        #expect(BuildState(root: "/t", disk: tree.disk).allRecords()["old/x.webp"] != nil)
        #expect(try orphans(tree) == [])
    }

    @Test func anOlderRecordOfAnOutputThisRecipeMakesBecomesItsOwn() throws {
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg"])
        try tree.build()
        let state = BuildState(root: "/t", disk: tree.disk)
        var old = try #require(state.allRecords()["build/thumbs/a.webp"])
        old.recipe = nil  // as an imgmake before recipe files were recorded wrote it
        try state.record(old)
        #expect(BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/a.webp"]?.recipe == nil)
        #expect(try tree.build().built == [])
        #expect(BuildState(root: "/t", disk: tree.disk).allRecords()["build/thumbs/a.webp"]?.recipe == "Imgmakefile")
        try tree.disk.remove("/t/photos/a.jpg")
        #expect(try orphans(tree) == ["build/thumbs/a.webp"])
    }

    @Test func anOrphanTheUserReplacedIsKeptAndItsRecordDropped() throws {
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg", "photos/b.jpg"])
        try tree.build()
        try tree.disk.remove("/t/photos/a.jpg")
        try tree.disk.remove("/t/photos/b.jpg")
        tree.disk.write("/t/build/thumbs/b.webp", "the user's own picture")
        var lines: [String] = []
        let removed = try Cleaner(session: try tree.session()).clean(
            [], orphans: true, dryRun: false, wait: true,
            interrupts: FakeInterrupts(), notice: { _ in }, report: { lines.append($0) })
        #expect(removed == 1)
        #expect(
            lines == [
                "kept build/thumbs/b.webp: changed since imgmake built it, so it is not imgmake's any more (its record is dropped)",
                "removed build/thumbs/a.webp",
            ])
        #expect(!tree.disk.exists("/t/build/thumbs/a.webp"))
        #expect(tree.disk.exists("/t/build/thumbs/b.webp"))
        #expect(BuildState(root: "/t", disk: tree.disk).allRecords().isEmpty)
    }

    @Test func aNoOpRunRemovesDeadWritersTemporaries() throws {
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg"])
        try tree.build()
        let dead = "/t/build/thumbs/.a.webp.imgmake-\(getpid())-\(ProcessStart.own + 9)-1.tmp"
        let alive = "/t/build/thumbs/.b.webp.imgmake-\(getpid())-\(ProcessStart.own)-1.tmp"
        tree.disk.write(dead, "half an image")
        tree.disk.write(alive, "being written")
        let marker = "/t/.imgmake/" + TemporaryFiles.markerName
        tree.disk.write(marker, "")  // left by the build that was killed while writing a.webp
        #expect(try tree.build().built == [])
        #expect(!tree.disk.exists(dead))
        #expect(tree.disk.exists(alive))
        #expect(tree.disk.exists(marker))  // kept while a running writer's temporary is there
    }

    @Test func upToDateOutputsAreAdoptedWhenTheStateIsLost() throws {
        let tree = TestTree(recipe: Self.thumbs, files: ["photos/a.jpg", "photos/b.jpg"])
        try tree.build()
        try tree.disk.remove("/t/.imgmake/log")
        tree.disk.write("/t/photos/b.jpg", "new pixels")  // newer than its thumbnail: built, not adopted
        tree.stderr = []
        #expect(try tree.build().built == ["build/thumbs/b.webp"])
        #expect(tree.stderr == ["imgmake: warning: no build state in .imgmake/: 1 up-to-date output adopted\n"])
        // The state is back: no warning, and a recipe change is seen.
        tree.stderr = []
        #expect(try tree.build().built == [])
        #expect(tree.stderr == [])
        tree.disk.write("/t/Imgmakefile", Self.thumbs.replacingOccurrences(of: "100", with: "120"))
        #expect(try tree.build().built == ["build/thumbs/a.webp", "build/thumbs/b.webp"])
    }
}
