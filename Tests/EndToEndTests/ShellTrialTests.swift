import Foundation
import Testing

/// Issue 19: the shell as an image REPL, in script mode (`imgmake shell -c`): `try` on an image, its mistakes at
/// their columns, `_`, `save _ PATH`, `try RULE on IMAGE`, `add` (the terminal's part is in ShellTrialTerminalTests).
@Suite struct ShellTrialTests {
    func folder(_ name: String) throws -> Sandbox {
        let box = try ShellProject.make(name, photos: ["apple", "banana"])
        try box.image("photos/wide.jpg", width: 300, height: 200, seed: 5)
        return box
    }

    /// `_: 200×133, 3 bands, jpeg, 9.8 KiB, 42 ms (PATH)`: the facts and the result's path.
    func facts(_ output: String) -> (width: Int, height: Int, bands: Int, format: String, path: String)? {
        let pattern = #/_: (\d+)×(\d+), (\d+) bands?, (\w+), [0-9.]+ (?:B|KiB|MiB), [0-9.]+ m?s \(([^)]+)\)/#
        guard let match = output.firstMatch(of: pattern), let width = Int(match.1), let height = Int(match.2),
            let bands = Int(match.3)
        else { return nil }
        return (width, height, bands, String(match.4), String(match.5))
    }

    @Test func tryPrintsTheResultsFactsAndUnderscoreIsTheResult() throws {
        let box = try folder("trial-facts")
        let run = try box.imgmake(arguments: ["shell", "-c", "try thumbnail 100 crop=attention on photos/wide.jpg"])
        #expect(run.status == 0, "\(run)")
        let first = try #require(facts(run.stdout), "\(run)")
        #expect(first.width == 100 && first.height == 100 && first.bands == 3 && first.format == "jpeg", "\(run)")
        #expect(!FileManager.default.fileExists(atPath: first.path), "the shell removes its results when it ends")

        // `_` feeds the next try; both shapes of the command; `as` picks the format; `save` keeps it.
        let chain = try box.imgmake(arguments: [
            "shell", "-c",
            "try photos/wide.jpg | thumbnail 120 | flip horizontal; try _ | crop 0 0 50 40 as png; save _ out/crop.png; "
                + "save _ out/crop.webp; info out/crop.webp",
        ])
        #expect(chain.status == 0, "\(chain)")
        #expect(chain.stdout.contains("_: 120×80, 3 bands, jpeg"), "\(chain)")
        #expect(chain.stdout.contains("_: 50×40, 3 bands, png"), "\(chain)")
        #expect(chain.stdout.contains("saved out/crop.png") && chain.stdout.contains("saved out/crop.webp"), "\(chain)")
        #expect(chain.stdout.contains("loader:         webpload"), "save _ X.webp writes WebP: \(chain)")
        #expect(try box.imageSize("out/crop.png").map { [$0.width, $0.height] } == [50, 40])
        #expect(try box.imageSize("out/crop.webp").map { [$0.width, $0.height] } == [50, 40], "the same steps, written by the WebP saver")
    }

    @Test func aMistakeInAStepPointsAtItsColumn() throws {
        let box = try folder("trial-mistake")
        let line = "try thumbnail 100 | sharpen sigma=0.5 | flip horizntal on photos/wide.jpg"
        let run = try box.imgmake(arguments: ["shell", "-c", line])
        #expect(run.status == 2, "a mistake in a step is a usage error, as in a recipe: \(run)")
        let column = try #require(line.range(of: "horizntal")).lowerBound.utf16Offset(in: line) + 1
        #expect(run.stderr.contains("try:1:\(column): error: bad value for 'direction'"), "\(run)")
        #expect(run.stderr.contains("did you mean 'horizontal'?"), "\(run)")
        #expect(run.stderr.contains("    " + line + "\n    " + String(repeating: " ", count: column - 1) + "^"), "\(run)")

        let unknown = try box.imgmake(arguments: ["shell", "-c", "try thumbnail 100 | sharpne on photos/wide.jpg"])
        #expect(unknown.stderr.contains("try:1:21: error: unknown operation 'sharpne'"), "\(unknown)")
        let noImage = try box.imgmake(arguments: ["shell", "-c", "try thumbnail 100 on photos/none.jpg"])
        #expect(noImage.status == 1 && noImage.stderr.contains("try: no file photos/none.jpg"), "\(noImage)")
        let unbuilt = try box.imgmake(arguments: ["shell", "-c", "list; preview build/apple.webp"])
        #expect(unbuilt.status == 1 && unbuilt.stderr.contains("preview: build/apple.webp is not built yet"), "\(unbuilt)")
        let noResult = try box.imgmake(arguments: ["shell", "-c", "save _ out.png"])
        #expect(noResult.status == 2 && noResult.stderr.contains("no result yet"), "\(noResult)")
    }

    @Test func aRulesStepsRunOnAnyImage() throws {
        let box = try folder("trial-rule")
        // `thumbs` makes 32-pixel WebPs of photos/*.ppm: wide.jpg is not one of its inputs.
        let run = try box.imgmake(arguments: ["shell", "-c", "try thumbs on photos/wide.jpg"])
        #expect(run.status == 0, "\(run)")
        let result = try #require(facts(run.stdout), "\(run)")
        #expect(result.format == "webp" && result.width == 32, "\(run)")
        #expect(!box.exists("build"), "try builds nothing into the tree")
        let aggregate = try box.imgmake(arguments: ["shell", "-c", "try sheet on photos/wide.jpg"])
        #expect(aggregate.status == 2 && aggregate.stderr.contains("makes one output from all its inputs"), "\(aggregate)")
    }

    /// Your own code is tried as a build runs it: a `python` step's function gets the image and the result's
    /// path, its return value and what it printed are shown, and an edit of the module is seen by the next try.
    @Test func aPythonStepIsTriedAsABuildRunsIt() throws {
        let box = try folder("trial-python")
        try box.write(
            "tools/fns.py",
            "import shutil\ndef copy(src, dst, level=1):\n    print('copying', level)\n    shutil.copyfile(src, dst)\n    return {'level': level}\n"
        )
        let run = try box.imgmake(arguments: ["shell", "-c", "try python tools/fns.py:copy level=3 on photos/wide.jpg"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("copying 3"), "what the code printed is shown: \(run)")
        #expect(run.stdout.contains("_: 300×200, 3 bands, jpeg"), "\(run)")
        #expect(run.stdout.contains("returned {\"level\":3}"), "\(run)")
        #expect(!box.exists("tools/__pycache__"), "nothing written into the tree")
        let wrong = try box.imgmake(arguments: ["shell", "-c", "try python tools/fns.py:copy levle=3 on photos/wide.jpg"])
        #expect(wrong.status == 1 && wrong.stderr.contains("unexpected keyword argument 'levle'"), "\(wrong)")
    }

    @Test func addWritesTheTriedStepsAsARuleThatBuildsTheSamePixels() throws {
        let box = try folder("trial-add")
        try box.write("Imgmakefile", "# my photos\n" + (try box.read("Imgmakefile")) + "# the end\n")
        let before = try box.read("Imgmakefile")
        let run = try box.imgmake(arguments: [
            "shell", "-c",
            "try thumbnail 64 crop=centre | sharpen sigma=0.5 on photos/wide.jpg; save _ kept.jpg; "
                + "add small build/small/{name}.jpg <- photos/*.jpg",
        ])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("added rule small to Imgmakefile: 1 output"), "\(run)")
        let after = try box.read("Imgmakefile")
        #expect(after.hasPrefix(before), "the file's text is kept as it was, the rule goes at the end")
        #expect(
            after.hasSuffix(
                "small: build/small/{name}.jpg <- photos/*.jpg\n    thumbnail 64 crop=centre\n    sharpen sigma=0.5\n"),
            "\(after)")
        let list = try box.imgmake("list")
        #expect(list.stdout.contains("small"), "\(list)")
        let build = try box.imgmake("small")
        #expect(build.status == 0, "\(build)")
        #expect(try box.data("build/small/wide.jpg") == (try box.data("kept.jpg")), "the rule builds what try made")

        // Without the pattern and glob a script is told the whole command (the terminal asks for them).
        let bare = try box.imgmake(arguments: ["shell", "-c", "try flip horizontal on photos/wide.jpg; add mirrored"])
        #expect(bare.status == 2 && bare.stderr.contains("add mirrored build/mirrored/{path}.jpg <- photos/*.jpg"), "\(bare)")
        let taken = try box.imgmake(arguments: [
            "shell", "-c", "try flip horizontal on photos/wide.jpg; add thumbs x/{name}.jpg <- photos/*.jpg",
        ])
        #expect(taken.status == 2 && taken.stderr.contains("has a rule or group 'thumbs' already"), "\(taken)")
        #expect(try box.read("Imgmakefile") == after, "a refused add leaves the file alone")
    }
}
