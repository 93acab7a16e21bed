import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// What the globs find on disk and what the graph refuses before anything runs: recorded outputs are no
/// different from other files, rules that read their own outputs, aggregates with nothing to read, links,
/// FIFOs, names that are not UTF-8, globs that match nothing.
@Suite struct GraphInputsTests {
    static var quiet: ProgressReporter { ProgressReporter.quiet() }

    private func outputs(_ session: Session) -> [String] {
        session.graph.edges.map { session.graph.display($0.output) }.sorted()
    }

    // MARK: files imgmake once built

    @Test func aFileARemovedRuleBuiltIsASourceAgain() throws {
        let tree = TestTree(
            recipe: """
                all: gen used
                gen: assets/{name}.jpg <- raw/*.jpg
                    thumbnail 10
                used: used/{name}.webp <- assets/*.jpg
                    thumbnail 5
                """, files: ["raw/a.jpg", "raw/b.jpg"])
        try tree.build()
        // `gen` goes; assets/a.jpg is imgmake's old output, assets/b.jpg the user's own file in its place.
        tree.disk.write("/t/assets/b.jpg", "my own")
        tree.disk.write("/t/Imgmakefile", "used: used/{name}.webp <- assets/*.jpg\n    thumbnail 5\n")
        let session = try tree.session()
        #expect(outputs(session) == ["used/a.webp", "used/b.webp"])
        #expect(session.graph.edges[session.graph.producer["/t/used/b.webp"]!].sources == ["/t/assets/b.jpg"])
    }

    @Test func aSecondRecipeFileGlobsTheFirstOnesOutputs() throws {
        let tree = TestTree(
            recipe: "thumbs: build/thumbs/{name}.webp <- photos/*.jpg\n    thumbnail 10\n",
            files: ["photos/a.jpg", "photos/b.jpg"])
        try tree.build()
        tree.disk.write("/t/sheet.imgmake", "sheet: build/sheet.jpg <- build/thumbs/*.webp\n    arrayjoin across=2\n")
        var options = Session.Options()
        options.file = "sheet.imgmake"
        let session = try Session(options: options, overrides: [:], disk: tree.disk, catalog: tree.catalog, cwd: "/t")
        let sheet = try #require(session.graph.producer["/t/build/sheet.jpg"])
        #expect(session.graph.edges[sheet].sources == ["/t/build/thumbs/a.webp", "/t/build/thumbs/b.webp"])
    }

    @Test func aLeftoverOutputOfACurrentRuleIsNoInputAndIsNamed() throws {
        let tree = TestTree(
            recipe: """
                all: thumbs sheet
                thumbs: build/thumbs/{name}.webp <- photos/*.jpg
                    thumbnail 10
                sheet: build/sheet.jpg <- build/thumbs/*.webp
                    arrayjoin across=2
                """, files: ["photos/a.jpg", "photos/b.jpg"])
        try tree.build()
        try tree.disk.remove("/t/photos/b.jpg")
        let session = try tree.session()
        #expect(session.graph.edges[session.graph.producer["/t/build/sheet.jpg"]!].sources == ["/t/build/thumbs/a.webp"])
        #expect(
            session.graph.warnings == [
                "Imgmakefile:4:27: glob 'build/thumbs/*.webp' of rule 'sheet' skips build/thumbs/b.webp: rule 'thumbs' "
                    + "(Imgmakefile:2:9) puts its outputs there, and none of its inputs makes it now "
                    + "(`imgmake clean --orphans` removes what imgmake built)"
            ])
        // The user's own file in its place, or beside it, is an input.
        tree.disk.write("/t/build/thumbs/b.webp", "my own")
        tree.disk.write("/t/build/thumbs/mine.webp", "my own")
        let own = try tree.session()
        #expect(
            own.graph.edges[own.graph.producer["/t/build/sheet.jpg"]!].sources
                == ["/t/build/thumbs/a.webp", "/t/build/thumbs/b.webp", "/t/build/thumbs/mine.webp"])
        #expect(own.graph.warnings == [])
    }

    // MARK: aggregates with nothing to read

    @Test func anAggregateWithoutInputsIsAnErrorOnlyWhenItIsBuilt() throws {
        let tree = TestTree(
            recipe: """
                all: thumbs sheet
                thumbs: build/thumbs/{name}.webp <- photos/*.jpg
                    thumbnail 10
                sheet: build/sheet.jpg <- empty/*.jpg empty/*.png
                    arrayjoin across=2
                """, files: ["photos/a.jpg"])
        let session = try tree.session()
        #expect(outputs(session) == ["build/sheet.jpg", "build/thumbs/a.webp"])
        func dryRun(_ targets: [String]) throws -> BuildSummary {
            var request = BuildRun.Request()
            request.targets = targets
            request.builder.dryRun = true
            return try BuildRun.run(session: session, request: request, reporter: Self.quiet, interrupts: FakeInterrupts()) { _ in
                FakeExecutor(disk: tree.disk, failing: [])
            }
        }
        #expect(try dryRun(["thumbs"]).exitCode == 0)
        for targets in [["sheet"], [], ["build/sheet.jpg"]] {
            let error = #expect(throws: RecipeErrors.self) {
                try dryRun(targets)
            }
            #expect(
                error?.description == """
                    Imgmakefile:4:1: error: rule 'sheet' has no inputs to make build/sheet.jpg from
                        Imgmakefile:4:27: 'empty/*.jpg' matches no file and no output of another rule
                        Imgmakefile:4:39: 'empty/*.png' matches no file and no output of another rule
                    """, "\(targets)")
        }
    }

    // MARK: rules that read their own outputs

    @Test func aRuleThatReadsItsOwnOutputsIsRefusedOnTheFirstRun() {
        for files in [[], ["a.jpg", "photos/b.jpg"]] {
            let errors = TestTree(recipe: "copy: out/{path}.jpg <- **/*.jpg\n    thumbnail 10\n", files: files).errors()
            #expect(
                errors == [
                    """
                    Imgmakefile:1:7: error: rule 'copy' reads its own outputs: its output pattern 'out/{path}.jpg' makes names such as out/x.jpg that its glob '**/*.jpg' (Imgmakefile:1:25) matches
                        give the glob a folder the outputs are not in (e.g. photos/**/*.jpg); `imgmake clean --orphans` then removes outputs made from outputs
                    """
                ], "\(files)")
        }
        #expect(TestTree(recipe: "copy: out/{path}.webp <- **/*.jpg\n    thumbnail 10\n", files: ["a.jpg"]).errors() == [])
        #expect(TestTree(recipe: "copy: out/{path}.jpg <- photos/**/*.jpg\n    thumbnail 10\n", files: ["photos/a.jpg"]).errors() == [])
        // Matrix values are known: only 'big' outputs match the glob.
        let matrix = "m: out/{name}-{w}.jpg <- out/*-big.jpg\n    with w = small\n    thumbnail 10\n"
        #expect(TestTree(recipe: matrix, files: ["out/a-big.jpg"]).errors() == [])
        #expect(
            TestTree(recipe: matrix.replacingOccurrences(of: "= small", with: "= small big"), files: []).errors().first?
                .contains("rule 'm' reads its own outputs: its output pattern 'out/{name}-{w}.jpg' makes names such as out/x-big.jpg")
                == true)
    }

    @Test func rulesThatFeedEachOtherAreRefusedWithNoFileOnDisk() {
        let errors = TestTree(recipe: "a: x/{name}.webp <- y/*.webp\nb: y/{name}.webp <- x/*.webp\n").errors()
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("Imgmakefile:1:1: error: rules 'a' and 'b' feed each other (a cycle)") == true, "\(errors)")
    }

    // MARK: links, FIFOs, bad names

    @Test func aLinkToAnEnclosingFolderIsSkippedWithAWarning() throws {
        let tree = TestTree(
            recipe: "t: out/{path}.webp <- photos/**/*.jpg\n    thumbnail 10\n",
            files: ["photos/a.jpg", "elsewhere/b.jpg"])
        tree.disk.link("/t/photos/loop", to: "../photos")
        tree.disk.link("/t/photos/more", to: "/t/elsewhere")
        let session = try tree.session()
        #expect(outputs(session) == ["out/a.webp", "out/more/b.webp"])
        #expect(session.graph.warnings == ["photos/loop: skipped: a link to photos, which it is inside (a loop)"])
    }

    @Test func twoLoopsEndAtOnce() throws {
        let tree = TestTree(recipe: "t: out/{path}.webp <- photos/**/*.jpg\n    thumbnail 10\n", files: ["photos/a.jpg", "photos/s/b.jpg"])
        tree.disk.link("/t/photos/again", to: ".")
        tree.disk.link("/t/photos/s/up", to: "..")
        let session = try tree.session()
        #expect(outputs(session) == ["out/a.webp", "out/s/b.webp"])
        #expect(
            session.graph.warnings == [
                "photos/again: skipped: a link to photos, which it is inside (a loop)",
                "photos/s/up: skipped: a link to photos, which it is inside (a loop)",
            ])
    }

    @Test func onlyRegularFilesAreInputs() throws {
        let tree = TestTree(recipe: "t: out/{name}.webp <- photos/*.jpg\n    thumbnail 10\n", files: ["photos/a.jpg"])
        tree.disk.makeSpecial("/t/photos/pipe.jpg", "a FIFO")
        tree.disk.makeSpecial("/t/photos/zero.jpg", "a character device")
        tree.disk.link("/t/photos/gone.jpg", to: "nowhere.jpg")
        tree.disk.makeSpecial("/t/photos/other.png", "a FIFO")  // the glob does not match it: no word
        let session = try tree.session()
        #expect(outputs(session) == ["out/a.webp"])
        #expect(
            session.graph.warnings == [
                "photos/gone.jpg: skipped: a link that leads nowhere, not a regular file",
                "photos/pipe.jpg: skipped: a FIFO, not a regular file",
                "photos/zero.jpg: skipped: a character device, not a regular file",
            ])
    }

    @Test func namesThatAreNotUTF8AreSkippedWithAWarning() throws {
        let tree = TestTree(recipe: "t: out/{path}.webp <- photos/**/*.jpg\n    thumbnail 10\n", files: ["photos/a.jpg"])
        tree.disk.makeInvalidName("/t/photos/caf\\xe9.jpg")
        tree.disk.makeInvalidName("/t/photos/ol\\xe9", isDirectory: true)
        let session = try tree.session()
        #expect(outputs(session) == ["out/a.webp"])
        #expect(
            session.graph.warnings == [
                "photos/caf\\xe9.jpg: skipped: its name is not valid UTF-8 (rename it to use it)",
                "photos/ol\\xe9: skipped: its name is not valid UTF-8 (rename it to use it)",
            ])
    }

    // MARK: globs that match nothing

    @Test func aGlobThatMatchesNothingIsWarnedAbout() throws {
        let tree = TestTree(
            recipe: """
                thumbs: build/thumbs/{name}.webp <- photoz/*.jpg photos/*.jpg
                    thumbnail 10
                sheet: build/sheet.jpg <- build/thumbs/*.webp
                    arrayjoin across=2
                """, files: ["photos/a.jpg"])
        #expect(try tree.session().graph.warnings == ["Imgmakefile:1:37: glob 'photoz/*.jpg' of rule 'thumbs' matches no file"])
    }
}
