import Foundation
import Testing

@testable import ImgmakeCore

/// Issue 7, "Safety" (README's *Bad input* and *clean*): outputs never land outside the recipe's tree unless --allow-outside (refused
/// at load time: exit 2, nothing built, the rule named); `clean` and `clean --orphans` never remove a source
/// or a file imgmake did not build.
@Suite struct SafetyTests {
    /// A tree with two photos, and a rule that is fine: when another rule escapes, it is not built either.
    func project(_ name: String) throws -> Sandbox {
        let box = try Sandbox(name)
        try box.image("photos/a.png", seed: 1)
        try box.image("photos/x../b.png", seed: 2)  // a folder whose name ends in dots: not `..`
        try FileManager.default.createDirectory(atPath: box.base + "/elsewhere", withIntermediateDirectories: true)
        return box
    }

    static let fine = """
        fine: out/{path}.png <- photos/**/*.png
            thumbnail width=16

        """

    /// Loads `rule` (after the fine rule); it must be refused with exit 2 and nothing written anywhere,
    /// then built with --allow-outside (when `allowed` names where its outputs land).
    func expectRefused(
        _ box: Sandbox, _ rule: String, arguments: [String] = [], allowed: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try box.write("Imgmakefile", Self.fine + rule)
        let targets = ["fine", String(rule.prefix { $0 != ":" })]
        let before = Set(box.files()).union(listing(box.base + "/elsewhere"))
        for extra in [[], ["-n"], ["--pool", "process", "-j2"]] {
            let refused = try box.imgmake(arguments: extra + arguments + targets)
            #expect(refused.status == 2, "\(refused)", sourceLocation: sourceLocation)
            #expect(refused.stderr.contains("outside the recipe's directory tree"), "\(refused)", sourceLocation: sourceLocation)
            #expect(
                refused.stderr.contains("Imgmakefile:3:"), "the error names the rule's line: \(refused)", sourceLocation: sourceLocation)
            #expect(refused.stderr.contains("--allow-outside"), "\(refused)", sourceLocation: sourceLocation)
            #expect(
                Set(box.files()).union(listing(box.base + "/elsewhere")) == before, "nothing built: \(refused)",
                sourceLocation: sourceLocation)
            #expect(!box.exists("out"), "not even the fine rule: \(refused)", sourceLocation: sourceLocation)
        }
        guard !allowed.isEmpty else { return }
        let built = try box.imgmake(arguments: ["--allow-outside"] + arguments + targets)
        #expect(built.status == 0, "\(built)", sourceLocation: sourceLocation)
        for path in allowed {
            #expect(
                FileManager.default.fileExists(atPath: path), "\(path) built with --allow-outside: \(built)",
                sourceLocation: sourceLocation)
        }
        #expect(box.temporaries().isEmpty, sourceLocation: sourceLocation)
        try? box.remove("out")
        try? box.remove(".imgmake")
    }

    private func listing(_ directory: String) -> Set<String> {
        Set(((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []).map { directory + "/" + $0 })
    }

    @Test func dotDotAndAbsoluteOutputsAreRefused() throws {
        let box = try project("dotdot")
        try expectRefused(
            box, "up: ../elsewhere/{name}.png <- photos/*.png\n    thumbnail width=8\n",
            allowed: [box.base + "/elsewhere/a.png"])
        try expectRefused(box, "deep: out/../../elsewhere/deep/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        try expectRefused(
            box, "abs: \(box.base)/elsewhere/abs/{name}.png <- photos/*.png\n    thumbnail width=8\n",
            allowed: [box.base + "/elsewhere/abs/a.png"])
        // The tree's own absolute path is inside it: fine.
        try box.write("Imgmakefile", Self.fine + "abs: \(box.root)/abs/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        let inside = try box.imgmake("abs")
        #expect(inside.status == 0 && box.exists("abs/a.png"), "\(inside)")
    }

    @Test func placeholdersAndVariablesThatExpandToDotDotAreRefused() throws {
        let box = try project("placeholders")
        // A `with` value.
        try expectRefused(box, "m: out/{up}/{up}/elsewhere/{name}.png <- photos/*.png\n    with up = .. x\n    thumbnail width=8\n")
        // A variable given on the command line.
        try expectRefused(
            box, "v: $(DEST)/{name}.png <- photos/*.png\n    thumbnail width=8\n", arguments: ["DEST=../elsewhere/v"],
            allowed: [box.base + "/elsewhere/v/a.png"])
        // (File and folder names cannot be `..`, and hidden ones are never matched: `{path}`, `{dir}`, `{name}`
        // of an input found by a glob stay below its base. Only `with` values and variables can say `..`.)
        // Names with dots that are not `..` are fine: `x..` is a folder name, `{dir}` of photos/x../b.png.
        try box.write("Imgmakefile", Self.fine + "dots: out2/{dir}-/{name}..png <- photos/**/*.png\n    thumbnail width=8\n")
        let dots = try box.imgmake("fine", "dots")
        #expect(dots.status == 0, "\(dots)")
        #expect(box.exists("out2/x..-/b..png") && box.exists("out2/-/a..png") && box.exists("out/x../b.png"), "\(box.files())")
    }

    @Test func linksThatLeadOutOfTheTreeAreRefused() throws {
        let box = try project("links")
        // A link to a folder outside, as the output folder.
        try FileManager.default.createSymbolicLink(atPath: box.path("linked"), withDestinationPath: box.base + "/elsewhere")
        try expectRefused(
            box, "l: linked/{name}.png <- photos/*.png\n    thumbnail width=8\n",
            allowed: [box.base + "/elsewhere/a.png"])
        // A link deeper down, below a real folder of the tree.
        try FileManager.default.createDirectory(atPath: box.path("real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: box.path("real/sub"), withDestinationPath: "../../elsewhere")
        try expectRefused(box, "s: real/sub/deeper/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        // The output file itself is a link to a file outside (writing it would replace the link, but the
        // recipe does not say what it means: refused).
        try FileManager.default.createDirectory(atPath: box.path("files"), withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: box.base + "/elsewhere/precious.png"))
        try FileManager.default.createSymbolicLink(
            atPath: box.path("files/a.png"), withDestinationPath: box.base + "/elsewhere/precious.png")
        try expectRefused(box, "f: files/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        #expect(try String(contentsOfFile: box.base + "/elsewhere/precious.png", encoding: .utf8) == "precious")
        // A link that stays inside the tree is fine.
        try FileManager.default.createSymbolicLink(atPath: box.path("alias"), withDestinationPath: "real")
        try box.write("Imgmakefile", Self.fine + "i: alias/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        let inside = try box.imgmake("i")
        #expect(inside.status == 0 && box.exists("real/a.png"), "\(inside)")
    }

    // MARK: clean

    /// Every file below the tree with its content, to compare before and after a clean.
    func snapshot(_ box: Sandbox) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for file in box.files() { result[file] = try box.data(file) }
        return result
    }

    @Test func cleanNeverRemovesSourcesOrFilesImgmakeDidNotBuild() throws {
        let box = try Sandbox("cleansafe")
        try box.image("photos/a.jpg", seed: 1)
        try box.image("photos/b.jpg", seed: 2)
        try box.image("photos/x.png", seed: 3)  // a source of `pngs`, in the folder `derived` writes below
        // A chain: `derived` writes PNGs below photos/, which `pngs` reads along with photos/x.png.
        try box.write(
            "Imgmakefile",
            """
            all: derived pngs sheet
            derived: photos/derived/{name}.png <- photos/*.jpg
                thumbnail width=24
            pngs: out/{path}.webp <- photos/**/*.png
                thumbnail width=16
            sheet: out/sheet.png <- out/**/*.webp
                arrayjoin across=4
            """)
        let build = try box.imgmake("-j2")
        #expect(build.status == 0, "\(build)")
        // Hand-made files: one where `derived` writes (covered by its pattern, but no input names it), one in
        // an output folder that no pattern covers, a text file.
        try box.image("photos/derived/hand.png", seed: 4)
        try box.image("out/manual.webp", seed: 5)
        try box.write("out/notes.txt", "mine\n")
        let sources = ["photos/a.jpg", "photos/b.jpg", "photos/x.png"]
        let handMade = ["photos/derived/hand.png", "out/manual.webp", "out/notes.txt"]

        // `clean pngs` removes only pngs' outputs, not derived's PNGs that pngs reads.
        let cleanPngs = try box.imgmake("clean", "pngs")
        #expect(cleanPngs.status == 0, "\(cleanPngs)")
        for file in sources + handMade + ["photos/derived/a.png", "photos/derived/b.png", "out/sheet.png"] {
            #expect(box.exists(file), "\(file) kept by clean pngs: \(cleanPngs)")
        }
        #expect(!box.exists("out/x.webp") && !box.exists("out/derived/a.webp"), "\(cleanPngs)")

        // `--orphans` with nothing orphaned removes nothing.
        #expect(try box.imgmake("-j2").status == 0)
        let before = try snapshot(box)
        let none = try box.imgmake("clean", "--orphans")
        #expect(none.status == 0 && none.stdout.contains("removed 0 files"), "\(none)")
        #expect(try snapshot(box) == before)

        // Clean everything: every built output goes; sources and hand-made files stay, byte for byte.
        let all = try box.imgmake("clean")
        #expect(all.status == 0, "\(all)")
        for file in sources + handMade {
            #expect(try box.data(file) == before[file], "\(file) kept by clean: \(all)")
        }
        #expect(Set(box.files()) == Set(sources + handMade + ["Imgmakefile"]), "\(all)")
        let orphans = try box.imgmake("clean", "--orphans")
        #expect(orphans.status == 0 && Set(box.files()) == Set(sources + handMade + ["Imgmakefile"]), "\(orphans)")
    }

    /// A file imgmake built that is now a source (its rule was removed and another reads it) stays, with
    /// `clean` and `clean --orphans`; a photo's thumbnail goes when the photo goes, although the sheet's glob
    /// matches it.
    @Test func recordedOutputsThatBecameSourcesStay() throws {
        let box = try Sandbox("nowsource")
        try box.image("raw/a.jpg", seed: 1)
        try box.image("raw/b.jpg", seed: 2)
        try box.write(
            "Imgmakefile",
            """
            all: gen thumbs sheet
            gen: assets/{name}.png <- raw/*.jpg
                thumbnail width=24
            thumbs: thumbs/{name}.webp <- raw/*.jpg
                thumbnail width=12
            sheet: sheet.png <- thumbs/*.webp
                arrayjoin across=2
            """)
        #expect(try box.imgmake("-j2").status == 0)
        // Photo b goes: its asset and thumbnail are orphans (the sheet's glob matches the thumbnail, but the
        // thumbs pattern covers it, so it is no source).
        try box.remove("raw/b.jpg")
        let orphans = try box.imgmake("clean", "--orphans")
        #expect(orphans.status == 0, "\(orphans)")
        #expect(!box.exists("assets/b.png") && !box.exists("thumbs/b.webp"), "\(orphans)")
        #expect(box.exists("assets/a.png") && box.exists("thumbs/a.webp") && box.exists("raw/a.jpg"), "\(orphans)")

        // The `gen` rule goes: assets/a.png, which imgmake built, is now a source of `used`.
        try box.write(
            "Imgmakefile",
            """
            all: thumbs sheet used
            thumbs: thumbs/{name}.webp <- raw/*.jpg
                thumbnail width=12
            sheet: sheet.png <- thumbs/*.webp
                arrayjoin across=2
            used: used/{name}.webp <- assets/*.png
                thumbnail width=10
            """)
        #expect(try box.imgmake("-j2").status == 0)
        let kept = try box.imgmake("clean", "--orphans")
        #expect(kept.status == 0 && box.exists("assets/a.png"), "a recorded output that is now a source stays: \(kept)")
        let cleaned = try box.imgmake("clean")
        #expect(cleaned.status == 0, "\(cleaned)")
        #expect(Set(box.files()) == ["Imgmakefile", "raw/a.jpg", "assets/a.png"], "\(cleaned)")
    }

    /// The build log is only text (a restored cache, a log copied from another tree, a tampered one): a
    /// record naming a file outside the tree must not make `clean --orphans` remove it.
    @Test func aLogNamingFilesOutsideTheTreeCannotMakeCleanRemoveThem() throws {
        let box = try Sandbox("tampered")
        try box.image("photos/a.png", seed: 1)
        try box.write("Imgmakefile", "t: out/{name}.png <- photos/*.png\n    thumbnail width=8\n")
        #expect(try box.imgmake().status == 0)
        let victims = [box.base + "/victim.png", box.base + "/elsewhere/linked-victim.png"]
        try FileManager.default.createDirectory(atPath: box.base + "/elsewhere", withIntermediateDirectories: true)
        for victim in victims { try Data("precious".utf8).write(to: URL(fileURLWithPath: victim)) }
        try FileManager.default.createSymbolicLink(atPath: box.path("link"), withDestinationPath: box.base + "/elsewhere")
        var log = try box.data(".imgmake/log")
        for output in ["../victim.png", box.base + "/victim.png", "link/linked-victim.png", "out/../../victim.png"] {
            log += Self.logLine(output: output)
        }
        try box.writeData(".imgmake/log", log)
        let result = try box.imgmake("clean", "--orphans")
        #expect(result.status == 0, "\(result)")
        for victim in victims {
            #expect(FileManager.default.fileExists(atPath: victim), "\(victim) removed: \(result)")
        }
        #expect(box.exists("photos/a.png") && box.exists("out/a.png"), "\(result)")
    }

    /// One build-log record line (BuildLogCodec's format: tab-separated, FNV-1a checksum last).
    static func logLine(output: String) -> Data {
        let body = ["r", "9000000000000000000", output, "1", "8", String(format: "%016llx", 42), "0"].joined(separator: "\t")
        let sum = String(FNV1a.hash(bytes: Array(body.utf8)), radix: 16)
        return Data((body + "\t" + String(repeating: "0", count: 16 - sum.count) + sum + "\n").utf8)
    }
}
