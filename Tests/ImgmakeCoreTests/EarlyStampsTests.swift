import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// `Session.Options.readsStampsEarly`: the walked files' and the outputs' stamps are read while the graph is
/// built, and the first staleness check of the session takes them; a later check, or one after
/// `dropEarlyStamps()` (what `lockState` does when another imgmake may have written meanwhile), reads the files
/// again. Verdicts are otherwise those of the reads at check time.
@Suite struct EarlyStampsTests {
    func builtTree() throws -> TestTree {
        let tree = TestTree(recipe: StalenessTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        #expect(try tree.build(["thumbs", "sheet"]).built.count == 3)
        tree.readsStampsEarly = true
        return tree
    }

    func stale(_ session: Session) -> [String] {
        let (order, checker) = session.staleness(of: Array(session.graph.edges.indices))
        return order.filter { checker.isStale($0) }.map { session.graph.display(session.graph.output(of: $0)) }.sorted()
    }

    @Test func theFirstCheckJudgesByTheStampsReadWhileTheGraphWasBuilt() throws {
        let tree = try builtTree()
        let session = try tree.session()
        session.graph.waitForEarlyStamps()
        // Changed after the walk read them: this session's first check does not see it ...
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        try tree.disk.remove("/t/build/thumbs/b.webp")
        #expect(stale(session).isEmpty)
        // ... its next check reads the files again.
        #expect(stale(session) == ["build/sheet.jpg", "build/thumbs/a.webp", "build/thumbs/b.webp"])
    }

    @Test func droppedEarlyStampsAreReadAgain() throws {
        let tree = try builtTree()
        let session = try tree.session()
        session.graph.waitForEarlyStamps()
        tree.disk.write("/t/photos/b.jpg", "new pixels")
        session.dropEarlyStamps()
        #expect(stale(session) == ["build/sheet.jpg", "build/thumbs/b.webp"])
    }

    @Test func withoutTheOptionNothingIsReadEarly() throws {
        let tree = try builtTree()
        tree.readsStampsEarly = false
        let session = try tree.session()
        tree.disk.write("/t/photos/a.jpg", "new pixels")
        #expect(stale(session) == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    /// Builds that read early and builds that do not agree on every verdict, over many folders (each folder's
    /// files go to the reader as one batch; more than `StalenessChecker.prefetchThreshold` edges).
    @Test func earlyAndLateReadsGiveTheSameVerdicts() throws {
        let photos = (0..<600).map { "photos/p\($0).jpg" }
        let tree = TestTree(
            recipe: "thumbs: build/{path}.webp <- photos/**/*.jpg\n    thumbnail 100\n",
            files: photos.enumerated().map { index, _ in "photos/d\(index % 7)/p\(index).jpg" })
        #expect(try tree.build().built.count == 600)
        tree.disk.write("/t/photos/d3/p3.jpg", "new pixels")
        try tree.disk.remove("/t/build/d5/p5.webp")
        tree.disk.advance()
        let late = stale(try tree.session())
        tree.readsStampsEarly = true
        let early = stale(try tree.session())
        #expect(late == ["build/d3/p3.webp", "build/d5/p5.webp"])
        #expect(early == late)
        #expect(try tree.build().built == ["build/d3/p3.webp", "build/d5/p5.webp"])
    }
}
