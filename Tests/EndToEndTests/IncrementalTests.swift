import Foundation
import Testing

/// Issue 2, "Done when" 2 and 3, and README's *How staleness works*: the first build makes everything, and from then on only what
/// is stale is built again.
@Suite struct IncrementalTests {
    @Test func firstBuildMakesEverythingAndTheSecondNothing() throws {
        let box = try PhotoProject.make("second", built: false)
        let first = try box.expectBuild(rebuilds: PhotoProject.allOutputs)
        #expect(first.summary == Summary(built: 10), "\(first)")
        #expect(box.exists(".imgmake"), "the state lives in .imgmake/ beside the recipe")
        // One line per finished job when stdout is not a terminal, and the closing summary.
        #expect(first.stdout.contains("[10/10] "), "\(first)")
        #expect(
            first.stdout.range(of: #"10 built, 0 failed, 0 up to date in \d+(\.\d+)? s"#, options: .regularExpression) != nil,
            "\(first)")
        try box.expectUpToDate()
        let third = try box.imgmake()
        #expect(third.summary == Summary(upToDate: 10), "\(third)")
    }

    /// A touched photo (same pixels, new mtime) rebuilds its outputs; they come out byte-identical, so the
    /// sheet made from its thumbnail is not rebuilt (early cutoff). New pixels rebuild the sheet too.
    @Test func touchingOnePhotoRebuildsItsOutputsAndEarlyCutoffSparesTheSheet() throws {
        let box = try PhotoProject.make("touch")
        try box.touch("photos/a.jpg")
        let touched = try box.expectBuild(["-j2", "--explain"], rebuilds: PhotoProject.outputs(of: "a"))
        #expect(
            touched.stdout.contains(
                "explain: build/sheet.jpg: not rebuilt, early cutoff: its input build/thumbs/a.webp came out byte-identical"),
            "\(touched)")
        try box.expectUpToDate()
        try box.image("photos/sub/c.jpg", seed: 9)
        try box.touch("photos/sub/c.jpg")
        try box.expectBuild(rebuilds: PhotoProject.outputs(of: "sub/c").union(["build/sheet.jpg"]))
        try box.expectUpToDate()
    }

    @Test func changingAStepArgumentRebuildsThatRuleAndWhatDependsOnIt() throws {
        let box = try PhotoProject.make("argument")
        // `big`: nothing depends on it.
        try box.write(
            "Imgmakefile",
            PhotoProject.recipe.replacingOccurrences(
                of: "thumbnail width={w}",
                with: "thumbnail width={w} crop=centre"))
        try box.expectBuild(
            rebuilds: PhotoProject.outputs(of: "a").union(PhotoProject.outputs(of: "b"))
                .union(PhotoProject.outputs(of: "sub/c")).filter { $0.hasPrefix("build/big/") })
        // `thumbs`: the sheet reads its outputs.
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: "sharpen sigma=0.5", with: "sharpen sigma=0.8"))
        let thumbs: Set<String> = ["build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/c.webp", "build/sheet.jpg"]
        // The `big` rule went back to its first steps, so it is rebuilt too.
        try box.expectBuild(rebuilds: PhotoProject.allOutputs)
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: "sharpen sigma=0.5", with: "sharpen sigma=1.2"))
        try box.expectBuild(rebuilds: thumbs)
        // Changing only the sheet's save options rebuilds only the sheet; a comment or blank line changes nothing.
        try box.write(
            "Imgmakefile",
            PhotoProject.recipe.replacingOccurrences(of: "sharpen sigma=0.5", with: "sharpen sigma=1.2")
                .replacingOccurrences(of: "save Q=85", with: "save Q=70") + "\n# a comment\n")
        try box.expectBuild(rebuilds: ["build/sheet.jpg"])
        try box.expectUpToDate()
    }

    @Test func addingAPhotoBuildsItsOutputsAndTheSheet() throws {
        let box = try PhotoProject.make("add")
        try box.image("photos/sub/d.png", seed: 4)
        try box.expectBuild(rebuilds: PhotoProject.outputs(of: "sub/d").union(["build/sheet.jpg"]))
        try box.expectUpToDate()
    }

    @Test func deletingAnOutputRebuildsJustThatOne() throws {
        let box = try PhotoProject.make("delete")
        try box.remove("build/big/b-40.png")
        try box.expectBuild(rebuilds: ["build/big/b-40.png"])
        try box.remove("build/sheet.jpg")
        try box.expectBuild(rebuilds: ["build/sheet.jpg"])
        // A thumbnail is an input of the sheet: rebuilding it makes the sheet stale.
        try box.remove("build/thumbs/b.webp")
        try box.expectBuild(rebuilds: ["build/thumbs/b.webp", "build/sheet.jpg"])
        try box.expectUpToDate()
    }

    @Test func anInputReplacedByAnOlderFileIsNoticed() throws {
        let box = try PhotoProject.make("older")
        try box.image("photos/b.png", width: 80, height: 60, seed: 9)
        box.setModificationTime("photos/b.png", seconds: 1_000_000_000)  // 2001: older than every output
        try box.expectBuild(rebuilds: PhotoProject.outputs(of: "b").union(["build/sheet.jpg"]))
        try box.expectUpToDate()
    }

    @Test func removingAPhotoAndItsOrphansChangesTheSheetsInputSet() throws {
        let box = try PhotoProject.make("remove")
        try box.remove("photos/b.png")
        // Its outputs are orphans now: `clean --orphans` removes them (never a source).
        let clean = try box.imgmake("clean", "--orphans")
        #expect(clean.status == 0, "\(clean)")
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs.subtracting(PhotoProject.outputs(of: "b")), "\(clean)")
        #expect(box.exists("photos/a.jpg") && box.exists("photos/sub/c.jpg"))
        let explain = try box.imgmake("explain", "build/sheet.jpg")
        #expect(explain.status == 0, "\(explain)")
        #expect(explain.stdout.contains("input set changed"), "\(explain)")
        #expect(explain.stdout.contains("build/thumbs/b.webp"), "\(explain)")
        try box.expectBuild(rebuilds: ["build/sheet.jpg"])
        try box.expectUpToDate()
    }

    @Test func dryRunBuildsNothing() throws {
        let fresh = try PhotoProject.make("dry-fresh", built: false)
        let nothing = try fresh.imgmake("-n")
        #expect(nothing.status == 0, "\(nothing)")
        #expect(fresh.files(under: "build").isEmpty && !fresh.exists("build"), "\(nothing)")
        #expect(nothing.summary?.toBuild == 10, "\(nothing)")
        #expect(nothing.stdout.contains("build/thumbs/sub/c.webp"), "\(nothing)")

        let box = try PhotoProject.make("dry")
        // New pixels (a touch alone would rebuild b's outputs byte-identical and leave the sheet: early cutoff,
        // which a dry run cannot know).
        try box.image("photos/b.png", seed: 9)
        try box.touch("photos/b.png")
        let before = box.stamps()
        let dry = try box.imgmake("--dry-run")
        #expect(dry.status == 0, "\(dry)")
        #expect(box.changed(since: before).isEmpty, "\(dry)")
        #expect(dry.summary?.toBuild == 4, "\(dry)")
        for output in PhotoProject.outputs(of: "b").union(["build/sheet.jpg"]) {
            #expect(dry.stdout.contains(output), "\(dry)")
        }
        // What -n announced is what a real build then does.
        try box.expectBuild(rebuilds: PhotoProject.outputs(of: "b").union(["build/sheet.jpg"]))
    }

    @Test func explainAndAlwaysMake() throws {
        let box = try PhotoProject.make("explain")
        try box.touch("photos/a.jpg")
        let explained = try box.imgmake("--explain", "-n")
        #expect(explained.status == 0, "\(explained)")
        #expect(explained.stdout.contains("build/thumbs/a.webp"), "\(explained)")
        #expect(explained.stdout.contains("photos/a.jpg is newer"), "\(explained)")
        try box.expectBuild(["-B", "-j2"], rebuilds: PhotoProject.allOutputs)
        try box.expectUpToDate()
    }

    @Test func aTornOrDamagedStateLogCostsAtMostItsLastRecords() throws {
        let box = try PhotoProject.make("state")
        // A crash in the middle of appending: the last line is cut short.
        let log = try box.data(".imgmake/log")
        try box.writeData(".imgmake/log", log.prefix(log.count - 7))
        let torn = try box.imgmake("-j2")
        #expect(torn.status == 0, "\(torn)")
        #expect((torn.summary?.built ?? 99) <= 2, "only the torn record's output (and the sheet) may be rebuilt: \(torn)")
        try box.expectUpToDate()
        // Garbage appended: a warning, never a crash.
        try box.writeData(".imgmake/log", try box.data(".imgmake/log") + Data("\u{0}\u{1}garbage\tline\n".utf8))
        let garbage = try box.imgmake("-j2")
        #expect(garbage.status == 0, "\(garbage)")
        #expect(garbage.stderr.contains("warning"), "\(garbage)")
        // No state at all: decided by modification times, with a warning.
        try box.remove(".imgmake")
        let none = try box.imgmake("-j2")
        #expect(none.status == 0, "\(none)")
        #expect(none.summary?.built == 0, "\(none)")
        #expect(none.stderr.contains("warning"), "\(none)")
    }
}
