import Foundation
import Testing

/// What globs find on a real disk: names that are not UTF-8, FIFOs and devices, link loops; recorded outputs
/// as sources of a second recipe file; aggregates with nothing to read; globs that match nothing.
@Suite struct GlobInputTests {
    /// Creates an empty file or folder whose name is raw bytes (no Swift string names it).
    private func make(_ box: Sandbox, folder: String, name: [UInt8], directory: Bool = false) throws {
        let path = (Array(box.path(folder).utf8) + [UInt8(ascii: "/")] + name + [0]).map { CChar(bitPattern: $0) }
        let ok: Bool
        if directory {
            ok = mkdir(path, 0o755) == 0
        } else {
            let fd = open(path, O_WRONLY | O_CREAT, 0o644)
            if fd >= 0 { close(fd) }
            ok = fd >= 0
        }
        try #require(ok, "cannot create \(folder)/\(name)")
    }

    @Test func namesThatAreNotUTF8AreSkippedWithAWarningNotAFailure() throws {
        let box = try PhotoProject.make("latin1", built: false)
        try make(box, folder: "photos", name: Array("caf".utf8) + [0xE9] + Array(".jpg".utf8))
        try make(box, folder: "photos", name: Array("ol".utf8) + [0xE9], directory: true)
        for _ in 0..<2 {
            let result = try box.imgmake("-j2")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("imgmake: warning: photos/caf\\xe9.jpg: skipped: its name is not valid UTF-8"), "\(result)")
            #expect(result.stderr.contains("imgmake: warning: photos/ol\\xe9: skipped: its name is not valid UTF-8"), "\(result)")
            #expect(!result.stderr.contains("No such file"), "\(result)")
        }
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs)
    }

    @Test func fifosAndDevicesAreSkippedWithAWarning() throws {
        let box = try PhotoProject.make("fifo", built: false)
        try #require(mkfifo(box.path("photos/pipe.jpg"), 0o644) == 0)
        // A character device like /dev/zero (needs root; the FIFO alone is checked otherwise).
        let device = mknod(box.path("photos/zero.png"), S_IFCHR | 0o644, dev_t((1 << 8) | 5)) == 0
        let result = try box.imgmake(arguments: ["-j2"], timeout: 120)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("imgmake: warning: photos/pipe.jpg: skipped: a FIFO, not a regular file"), "\(result)")
        if device {
            #expect(
                result.stderr.contains("imgmake: warning: photos/zero.png: skipped: a character device, not a regular file"), "\(result)")
        }
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs, "\(result)")
    }

    @Test func linkLoopsUnderGlobstarAreSkippedAndLinkedFoldersFollowed() throws {
        let box = try PhotoProject.make("loops", built: false)
        try box.image("elsewhere/d.jpg", seed: 4)
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: box.path("photos/loop"), withDestinationPath: "../photos")
        try manager.createSymbolicLink(atPath: box.path("photos/again"), withDestinationPath: ".")
        try manager.createSymbolicLink(atPath: box.path("photos/sub/up"), withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: box.path("photos/linked"), withDestinationPath: "../elsewhere")
        let dry = try box.imgmake(arguments: ["-n", "thumbs"], timeout: 120)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.summary?.toBuild == 4, "a, b, sub/c and linked/d: \(dry)")
        for link in ["photos/loop", "photos/again", "photos/sub/up"] {
            #expect(dry.stderr.contains("imgmake: warning: \(link): skipped: a link to photos, which it is inside (a loop)"), "\(dry)")
        }
        let result = try box.imgmake("thumbs")
        #expect(result.status == 0, "\(result)")
        #expect(
            Set(box.files(under: "build")) == [
                "build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/c.webp",
                "build/thumbs/linked/d.webp",
            ], "\(result)")
    }

    @Test func aSecondRecipeFileReadsTheFirstOnesOutputs() throws {
        let box = try PhotoProject.make("second")
        try box.write("sheet.imgmake", "poster: build/poster.png <- build/thumbs/**/*.webp\n    arrayjoin across=3\n")
        let result = try box.imgmake("-f", "sheet.imgmake")
        #expect(result.status == 0, "\(result)")
        #expect(box.exists("build/poster.png"), "\(result)")
        // The thumbs rule goes: the thumbnails it built (recorded in .imgmake/) are sources of the new recipe.
        try box.write("Imgmakefile", "posters: build/poster2.png <- build/thumbs/**/*.webp\n    arrayjoin across=3\n")
        let own = try box.imgmake()
        #expect(own.status == 0 && box.exists("build/poster2.png"), "\(own)")
    }

    @Test func anEmptyAggregateStopsOnlyTheBuildsThatNeedIt() throws {
        let box = try PhotoProject.make("emptysheet", built: false)
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: "build/thumbs/**/*.webp", with: "empty/*.webp"))
        let all = try box.imgmake("-n")
        #expect(all.status == 2, "\(all)")
        #expect(all.stderr.contains("Imgmakefile:15:1: error: rule 'sheet' has no inputs to make build/sheet.jpg from"), "\(all)")
        #expect(all.stderr.contains("Imgmakefile:15:27: 'empty/*.webp' matches no file and no output of another rule"), "\(all)")
        #expect(!box.exists("build"), "nothing built: \(all)")
        let thumbs = try box.imgmake("thumbs")
        #expect(thumbs.status == 0 && thumbs.summary?.built == 3, "\(thumbs)")
        #expect(try box.imgmake("list").status == 0)
    }

    @Test func aGlobThatMatchesNothingIsWarnedAboutOnce() throws {
        let box = try PhotoProject.make("typo", built: false)
        try box.write(
            "Imgmakefile",
            PhotoProject.recipe.replacingOccurrences(
                of: "photos/**/*.png\n    thumbnail width=$(SIZE)", with: "photoz/**/*.png\n    thumbnail width=$(SIZE)"))
        let result = try box.imgmake("thumbs")
        #expect(result.status == 0, "\(result)")
        let warning = "imgmake: warning: Imgmakefile:6:53: glob 'photoz/**/*.png' of rule 'thumbs' matches no file"
        #expect(result.stderr.components(separatedBy: warning).count == 2, "once: \(result)")
    }

    @Test func aSelfFeedingRuleIsRefusedOnTheFirstRun() throws {
        let box = try Sandbox("selffeeding")
        try box.image("a.jpg", seed: 1)
        try box.write("Imgmakefile", "copy: out/{path}.jpg <- **/*.jpg\n    thumbnail width=8\n")
        let result = try box.imgmake()
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Imgmakefile:1:7: error: rule 'copy' reads its own outputs"), "\(result)")
        #expect(result.stderr.contains("'**/*.jpg' (Imgmakefile:1:25)"), "\(result)")
        #expect(!box.exists("out"), "\(result)")
    }

    /// Issue 17, point 15: cameras' `.JPG` and `.Jpeg`. `*.jpg` misses them, with a hint when it matches nothing;
    /// `(?i)` matches them, and `{ext}` keeps the file's own case.
    @Test func questionIGlobsMatchCamerasUppercaseExtensions() throws {
        let box = try Sandbox("nocase")
        for (name, seed) in [("IMG_0001.JPG", 1), ("IMG_0002.Jpeg", 2), ("x/holiday.jpg", 3), ("notes.txt", 4)] {
            try box.image("photos/" + name, width: 40, height: 30, seed: seed, format: name.hasSuffix(".txt") ? "png" : "jpg")
        }
        try box.write("Imgmakefile", "thumbs: out/{path}.{ext}.png <- photos/*.jpg\n    thumbnail 16\n")
        let missed = try box.imgmake()
        #expect(
            missed.stderr.contains(
                "Imgmakefile:1:33: glob 'photos/*.jpg' of rule 'thumbs' matches no file (in either case it matches 1 file: "
                    + "write it '(?i)photos/*.jpg' to match any case)"), "\(missed)")
        try box.write("Imgmakefile", "thumbs: out/{path}.{ext}.png <- (?i)photos/**/*.{jpg,jpeg}\n    thumbnail 16\n")
        let run = try box.imgmake()
        #expect(run.status == 0 && run.summary == Summary(built: 3) && run.stderr.isEmpty, "\(run)")
        #expect(Set(box.files(under: "out")) == ["out/IMG_0001.JPG.png", "out/IMG_0002.Jpeg.png", "out/x/holiday.jpg.png"])
        #expect(try box.imgmake().summary == Summary(upToDate: 3))
    }
}
