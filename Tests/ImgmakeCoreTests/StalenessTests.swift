import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// README's *How staleness works* rules 1–4, with an in-memory disk and a hand-driven clock: no sleeps.
@Suite struct StalenessTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        sheet: build/sheet.jpg <- build/thumbs/*.webp
            arrayjoin across=2
        """

    /// Where the first build's records are when the test goes on: in the journal, as the build wrote them, or
    /// compacted into the snapshot, where an up-to-date edge is decided by its record read in place
    /// (`StalenessChecker.upToDateInPlace`). Every verdict must be the same from both.
    enum Records: CaseIterable { case journal, snapshot }

    func builtTree(_ records: Records = .journal) throws -> TestTree {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        let first = try tree.build(["thumbs", "sheet"])
        #expect(first.built == ["build/sheet.jpg", "build/thumbs/a.webp", "build/thumbs/b.webp"])
        if records == .snapshot {
            try tree.session().state.compactIfNeeded(force: true)
            #expect(tree.disk.exists("/t/.imgmake/snapshot"))
        }
        return tree
    }

    /// Above `StalenessChecker.prefetchThreshold` edges the stamps are read on all cores first; the verdicts
    /// must be the same as one stat at a time.
    @Test func manyEdgesPrefetchedGiveTheSameVerdicts() throws {
        let photos = (0..<700).map { "photos/p\($0).jpg" }
        let tree = TestTree(recipe: Self.recipe, files: photos)
        #expect(try tree.build(["thumbs", "sheet"]).built.count == 701)
        #expect(try tree.build(["thumbs", "sheet"]).built.isEmpty)
        tree.disk.write("/t/photos/p7.jpg", "new pixels")
        try tree.disk.remove("/t/build/thumbs/p300.webp")
        let session = try tree.session()
        let (order, checker) = session.staleness(of: session.graph.edges.indices.map { $0 })
        #expect(order.count == 701)
        let stale = order.filter { checker.isStale($0) }.map { session.graph.display(session.graph.edges[$0].output) }
        #expect(stale.sorted() == ["build/sheet.jpg", "build/thumbs/p300.webp", "build/thumbs/p7.webp"])
        #expect(try tree.build(["thumbs", "sheet"]).built == ["build/sheet.jpg", "build/thumbs/p300.webp", "build/thumbs/p7.webp"])
    }

    @Test func upToDateEdgesAreDecidedInPlaceFromTheSnapshot() throws {
        for records in Records.allCases {
            let tree = try builtTree(records)
            let session = try tree.session()
            let (order, checker) = session.staleness(of: Array(session.graph.edges.indices))
            #expect(order.count == 3 && order.allSatisfy { !checker.isStale($0) })
            // The two thumbnails; the sheet, an aggregate, compares its input set in the full evaluation.
            #expect(checker.decidedInPlace == (records == .snapshot ? 2 : 0), "\(records)")
        }
    }

    @Test(arguments: Records.allCases) func secondRunBuildsNothing(records: Records) throws {
        let tree = try builtTree(records)
        let again = try tree.build(["thumbs", "sheet"])
        #expect(again.built == [])
        #expect(again.summary.upToDate == 3)
        #expect(again.summary.line.contains("everything is up to date"))
    }

    @Test(arguments: Records.allCases) func missingOutput(records: Records) throws {
        let tree = try builtTree(records)
        try tree.disk.remove("/t/build/thumbs/a.webp")
        #expect(try tree.reasons("build/thumbs/a.webp") == [.missing])
        // Only that output, and what depends on it.
        #expect(try tree.build(["thumbs", "sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test(arguments: Records.allCases) func touchedInputRebuildsItsOutputsAndTheSheet(records: Records) throws {
        let tree = try builtTree(records)
        tree.disk.write("/t/photos/a.jpg", "pixels of photos/a.jpg")  // same content, new mtime: a touch
        #expect(try tree.reasons("build/thumbs/a.webp") == [.inputNewer("photos/a.jpg")])
        #expect(try tree.reasons("build/sheet.jpg") == [.inputRebuilt("build/thumbs/a.webp")])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg", "build/thumbs/a.webp"])
    }

    @Test(arguments: Records.allCases) func inputReplacedByAnOlderFile(records: Records) throws {
        let tree = try builtTree(records)
        tree.disk.write("/t/photos/b.jpg", "other pixels, longer than before")
        tree.disk.setMtime("/t/photos/b.jpg", 1)
        #expect(try tree.reasons("build/thumbs/b.webp") == [.inputReplaced("photos/b.jpg")])
    }

    @Test(arguments: Records.allCases) func changedStepRebuildsThatRuleOnly(records: Records) throws {
        let tree = try builtTree(records)
        tree.disk.write("/t/Imgmakefile", Self.recipe.replacingOccurrences(of: "thumbnail 100", with: "thumbnail 120"))
        #expect(try tree.reasons("build/thumbs/a.webp") == [.recipeChanged("thumbnail width 100 → 120")])
        #expect(try tree.build(["thumbs"]).built == ["build/thumbs/a.webp", "build/thumbs/b.webp"])
        tree.disk.write(
            "/t/Imgmakefile",
            Self.recipe.replacingOccurrences(of: "thumbnail 100", with: "thumbnail 120")
                .replacingOccurrences(of: "across=2", with: "across=3"))
        #expect(try tree.build(["thumbs", "sheet"]).built == ["build/sheet.jpg"])
    }

    @Test(arguments: Records.allCases) func libraryVersionIsPartOfTheRecipe(records: Records) throws {
        let tree = try builtTree(records)
        let before = tree.catalog.version
        tree.catalog.version = "fake-2"
        #expect(try tree.reasons("build/thumbs/a.webp") == [.recipeChanged("libvips \(before) → fake-2")])
    }

    @Test(arguments: Records.allCases) func addedAndRemovedInputsChangeTheAggregate(records: Records) throws {
        let tree = try builtTree(records)
        tree.disk.write("/t/photos/c.jpg")
        #expect(try tree.build(["thumbs", "sheet"]).built == ["build/sheet.jpg", "build/thumbs/c.webp"])
        try tree.disk.remove("/t/photos/c.jpg")
        // The old thumbnail of c is an orphan: it no longer feeds the sheet.
        #expect(try tree.reasons("build/sheet.jpg") == [.inputSetChanged(added: [], removed: ["build/thumbs/c.webp"])])
        #expect(try tree.build(["sheet"]).built == ["build/sheet.jpg"])
    }

    @Test(arguments: Records.allCases) func noRecordMeansRebuild(records: Records) throws {
        let tree = try builtTree(records)
        let state = try tree.session().state
        try state.forget("build/thumbs/a.webp")
        #expect(try tree.reasons("build/thumbs/a.webp") == [.noRecord])
    }

    @Test func missingStateGoesByMtimes() throws {
        let fresh = TestTree(recipe: Self.recipe, files: ["photos/a.jpg"])
        fresh.disk.write("/t/build/thumbs/a.webp")
        #expect(try fresh.reasons("build/thumbs/a.webp") == [])
        fresh.disk.advance()
        fresh.disk.write("/t/photos/a.jpg")
        #expect(try fresh.reasons("build/thumbs/a.webp") == [.inputNewer("photos/a.jpg")])
    }

    @Test(arguments: Records.allCases) func alwaysMake(records: Records) throws {
        let tree = try builtTree(records)
        #expect(try tree.build(["thumbs"], alwaysMake: true).built == ["build/thumbs/a.webp", "build/thumbs/b.webp"])
    }

    @Test func failureSkipsDependentsAndIsRetriedNextRun() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/bad.jpg"])
        let first = try tree.build(["sheet"], failing: ["bad.jpg"], keepGoing: true)
        #expect(first.built == ["build/thumbs/a.webp"])
        #expect(first.summary.failed == 1)
        #expect(first.summary.skipped == 1)
        #expect(first.summary.exitCode == 1)
        let second = try tree.build(["sheet"])
        #expect(second.built == ["build/sheet.jpg", "build/thumbs/bad.webp"])
    }
}
