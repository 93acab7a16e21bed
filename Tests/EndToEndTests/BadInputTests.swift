import Foundation
import Testing

/// Issue 2, "Done when" 4, and README's *Bad input*: bad images fail only their own outputs; outputs stay inside the tree;
/// file names are never mangled.
@Suite struct BadInputTests {
    @Test func brokenPhotosFailAloneWithKeepGoingAndAreRebuiltOnceFixed() throws {
        let box = try PhotoProject.make("broken", built: false)
        try box.truncatedJPEG("photos/truncated.jpg")
        try box.write("photos/corrupt.jpg", "this is not a JPEG at all\n")
        try box.writeData("photos/sub/empty.png", Data())
        let broken = ["truncated", "corrupt", "sub/empty"]
        let sources = ["photos/truncated.jpg", "photos/corrupt.jpg", "photos/sub/empty.png"]

        let result = try box.imgmake("-k", "-j2")
        #expect(result.status == 1, "\(result)")
        for source in sources {
            #expect(result.stderr.contains(source), "the error names \(source): \(result)")
        }
        // The good outputs are all there; the broken ones, and the sheet that needs them, are not.
        let built = Set(box.files(under: "build"))
        #expect(built == PhotoProject.allOutputs.subtracting(["build/sheet.jpg"]), "\(result)")
        #expect(result.summary?.failed == 3 * broken.count, "\(result)")
        #expect(result.summary?.skipped == 1, "\(result)")
        #expect(result.summary?.built == 9, "\(result)")
        #expect(box.temporaries().isEmpty, "no partial or temporary file: \(box.temporaries())")
        // Every good output is a whole image.
        #expect(try box.imageSize("build/big/a-48.png")?.width == 48)

        // Running again without fixing anything: the broken ones fail again, the good ones are up to date.
        let again = try box.imgmake("-k", "-j2")
        #expect(again.status == 1, "\(again)")
        #expect(again.summary?.built == 0 && again.summary?.upToDate == 9, "\(again)")

        // Fixed: only their outputs, and the sheet, are built.
        try box.image("photos/truncated.jpg", seed: 11)
        try box.image("photos/corrupt.jpg", seed: 12)
        try box.image("photos/sub/empty.png", seed: 13)
        var expected: Set<String> = ["build/sheet.jpg"]
        for name in broken { expected.formUnion(PhotoProject.outputs(of: name)) }
        try box.expectBuild(rebuilds: expected)
        try box.expectUpToDate()
    }

    @Test func withoutKeepGoingTheFirstFailureStopsTheBuild() throws {
        let box = try Sandbox("stop")
        for i in 0..<40 { try box.image("in/img\(String(format: "%02d", i)).png", seed: 1) }
        try box.write("in/img00.png", "broken")  // sorted first, so it is among the first jobs
        try box.write(
            "Imgmakefile",
            """
            t: out/{name}.png <- in/*.png
                thumbnail width=32
                gaussblur sigma=2
            """)
        let result = try box.imgmake("-j1")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("in/img00.png"), "\(result)")
        #expect(box.files(under: "out").count < 39, "the first failure stops new jobs: \(result)")
        #expect(box.temporaries().isEmpty)
    }

    @Test func aPNGNamedJPGIsReadByItsContent() throws {
        let box = try Sandbox("mislabelled")
        try box.image("photos/really-a-png.jpg", width: 90, height: 60, seed: 3, format: "png")
        try box.image("photos/really-a-jpeg.png", width: 90, height: 60, seed: 4, format: "jpg")
        try box.write(
            "Imgmakefile",
            """
            t: out/{name}.webp <- photos/*.jpg photos/*.png
                thumbnail width=45
            c: copy/{name}.{ext} <- photos/*.jpg photos/*.png
                rotate 90
            """)
        let result = try box.imgmake("t", "c")
        #expect(result.status == 0, "\(result)")
        #expect(try box.imageSize("out/really-a-png.webp")?.width == 45)
        #expect(try box.imageSize("out/really-a-jpeg.webp")?.width == 45)
        // Saved by the extension of the output: a real JPEG now.
        #expect(try box.imageSize("copy/really-a-png.jpg")?.width == 60)
        #expect(try box.data("copy/really-a-png.jpg").prefix(2) == Data([0xFF, 0xD8]))
    }

    @Test func imagesOverMaxPixelsAreRefused() throws {
        let box = try Sandbox("pixels")
        try box.image("photos/small.png", width: 20, height: 20, seed: 1)
        try box.image("photos/large.png", width: 100, height: 80, seed: 2)
        try box.write(
            "Imgmakefile",
            """
            t: out/{name}.png <- photos/*.png
                thumbnail width=16
            r: rot/{name}.png <- photos/*.png
                rotate 90
            """)
        let refused = try box.imgmake("-k", "--max-pixels", "1000", "t", "r")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("photos/large.png"), "\(refused)")
        #expect(refused.stderr.contains("8000"), "the error gives the pixel count: \(refused)")
        #expect(box.exists("out/small.png") && box.exists("rot/small.png"), "\(refused)")
        #expect(!box.exists("out/large.png") && !box.exists("rot/large.png"), "\(refused)")
        // 0 means no limit; the default (100 megapixels) lets it through too.
        let unlimited = try box.imgmake("--max-pixels", "0", "t")
        #expect(unlimited.status == 0 && box.exists("out/large.png"), "\(unlimited)")
        let byDefault = try box.imgmake("r")
        #expect(byDefault.status == 0 && box.exists("rot/large.png"), "\(byDefault)")
    }

    @Test func outputsOutsideTheTreeAreRefusedUnlessAllowed() throws {
        let box = try Sandbox("outside")
        try box.image("photos/a.png", seed: 1)
        try box.write(
            "Imgmakefile",
            """
            up: ../outside/{name}.png <- photos/*.png
                thumbnail width=16
            """)
        let refused = try box.imgmake()
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("Imgmakefile:1:"), "\(refused)")
        #expect(refused.stderr.contains("outside"), "\(refused)")
        #expect(!box.exists("../outside"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: box.base + "/outside"))

        let allowed = try box.imgmake("--allow-outside")
        #expect(allowed.status == 0, "\(allowed)")
        #expect(FileManager.default.fileExists(atPath: box.base + "/outside/a.png"), "\(allowed)")
        #expect(box.temporaries().isEmpty)

        // An absolute path.
        try box.write(
            "abs.imgmake",
            """
            abs: \(box.base)/absolute/{name}.png <- photos/*.png
                thumbnail width=16
            """)
        let absolute = try box.imgmake("-f", "abs.imgmake")
        #expect(absolute.status == 2, "\(absolute)")
        #expect(!FileManager.default.fileExists(atPath: box.base + "/absolute"), "\(absolute)")

        // A link inside the tree that leads out of it.
        try FileManager.default.createDirectory(atPath: box.base + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: box.path("linked"), withDestinationPath: box.base + "/elsewhere")
        try box.write(
            "link.imgmake",
            """
            link: linked/{name}.png <- photos/*.png
                thumbnail width=16
            """)
        let linked = try box.imgmake("-f", "link.imgmake")
        #expect(linked.status == 2, "\(linked)")
        #expect(!FileManager.default.fileExists(atPath: box.base + "/elsewhere/a.png"), "\(linked)")
    }

    @Test func fileNamesWithSpacesQuotesAndNonASCIICharacters() throws {
        let box = try Sandbox("names")
        let names = ["with space", "it's \"quoted\"", "café", "日本", "semi;colon $(HOME) *star*", "new\nline", "[brackets]"]
        for (i, name) in names.enumerated() { try box.image("my photos/\(name).jpg", seed: i + 1) }
        try box.image("my assets/the logo.png", width: 8, height: 8, seed: 20)
        try box.write(
            "Imgmakefile",
            """
            all: thumbs marked sheet
            thumbs: "out dir/{name} ✓.webp" <- "my photos/*.jpg"
                thumbnail width=24 height=24 crop=centre
            marked: "marked/{name}.png" <- "my photos/*.jpg"
                thumbnail width=32
                composite2 overlay="@my assets/the logo.png" mode=over x=2 y=2
            sheet: "out dir/sheet.png" <- "out dir/*.webp"
                arrayjoin across=4
            """)
        let result = try box.imgmake("-j2")
        #expect(result.status == 0, "\(result)")
        var expected: Set<String> = ["out dir/sheet.png"]
        for name in names {
            expected.insert("out dir/\(name) ✓.webp")
            expected.insert("marked/\(name).png")
        }
        #expect(Set(box.files(under: "out dir")).union(box.files(under: "marked")) == expected, "\(result)")
        #expect(try box.imageSize("out dir/sheet.png")?.width == 4 * 24)
        try box.expectUpToDate()
        try box.image("my photos/日本.jpg", seed: 30)  // new pixels: its outputs and the sheet
        try box.touch("my photos/日本.jpg")
        try box.expectBuild(rebuilds: ["out dir/日本 ✓.webp", "marked/日本.png", "out dir/sheet.png"])
        // The same recipe, run from a folder with a space and non-ASCII characters in its name.
        let moved = box.base + "/dossier été"
        try FileManager.default.moveItem(atPath: box.root, toPath: moved)
        let there = try runProgram(Imgmake.binary, ["-C", moved, "-B", "thumbs"], in: box.base)
        #expect(there.status == 0, "\(there)")
        #expect(there.summary?.built == names.count, "\(there)")
    }
}
