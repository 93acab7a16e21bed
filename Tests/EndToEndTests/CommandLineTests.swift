import Foundation
import Testing

/// README's *The command line*: the subcommands and options a user types.
@Suite struct CommandLineTests {
    @Test func version() throws {
        let box = try Sandbox("version")
        let result = try box.imgmake("--version")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.range(of: #"^imgmake \d+\.\d+\.\d+$"#, options: .regularExpression) != nil, "\(result)")
        // The libvips it runs on (the version decides rebuilds), as the vips CLI says it, and its formats.
        let vips = try runProgram("vips", ["--version"], in: box.root)
        let version = try #require(
            vips.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "-").dropFirst().first?.split(separator: " ")
                .first,
            "\(vips)")
        #expect(lines.count > 1 && lines[1].hasPrefix("libvips \(version) (/"), "\(result)")
        #expect(lines.contains { $0.hasPrefix("reads and writes: JPEG, PNG, WebP") }, "\(result)")
        #expect(
            lines.contains { $0.hasPrefix("reads") && $0.contains("PDF") }
                || lines.contains { $0.contains("not in this libvips") && $0.contains("PDF") })
        // No recipe is needed, and nothing is written.
        #expect(box.files().isEmpty && !box.exists(".imgmake"))
    }

    /// Every error that is not a located recipe diagnostic has the one prefix `imgmake: error: `: the command
    /// line's own usage mistakes (swift-argument-parser's, with the usage after them) too.
    @Test func errorsHaveOnePrefix() throws {
        let box = try Sandbox("one-prefix")
        let unknown = try box.imgmake("--frobnicate")
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.hasPrefix("imgmake: error: Unknown option '--frobnicate'\nUsage: imgmake build"), "\(unknown)")
        let noRecipe = try box.imgmake("list")
        #expect(noRecipe.status == 2, "\(noRecipe)")
        #expect(noRecipe.stderr.hasPrefix("imgmake: error: no recipe file Imgmakefile in "), "\(noRecipe)")
        let noDirectory = try box.imgmake("-C", "nowhere", "list")
        #expect(noDirectory.stderr == "imgmake: error: cannot change to directory nowhere\n", "\(noDirectory)")
    }

    @Test func help() throws {
        let box = try Sandbox("help")
        let result = try box.imgmake("--help")
        #expect(result.status == 0, "\(result)")
        for word in ["clean", "list", "explain", "ops", "shell"] {
            #expect(result.stdout.contains(word), "\(result)")
        }
        let build = try box.imgmake("build", "--help")
        for option in ["-j", "-k", "-n", "-B", "--explain", "-f", "-C", "--max-pixels", "--allow-outside"] {
            #expect(build.stdout.contains(option), "\(option) in \(build)")
        }
    }

    @Test func listShowsRulesGroupsCountsAndStaleCounts() throws {
        let box = try PhotoProject.make("list", built: false)
        let fresh = try box.imgmake("list")
        #expect(fresh.status == 0, "\(fresh)")
        #expect(line(fresh.stdout, with: "thumbs")?.contains("3 outputs, 3 stale") == true, "\(fresh)")
        #expect(line(fresh.stdout, with: "big")?.contains("6 outputs, 6 stale") == true, "\(fresh)")
        #expect(line(fresh.stdout, with: "sheet")?.contains("1 output, 1 stale") == true, "\(fresh)")
        #expect(fresh.stdout.contains("all"), "the group is listed: \(fresh)")
        #expect(!box.exists("build"))

        #expect(try box.imgmake("-j2").status == 0)
        try box.touch("photos/b.png")
        let later = try box.imgmake("list")
        #expect(line(later.stdout, with: "thumbs")?.contains("3 outputs, 1 stale") == true, "\(later)")
        #expect(line(later.stdout, with: "big")?.contains("6 outputs, 2 stale") == true, "\(later)")
        #expect(line(later.stdout, with: "sheet")?.contains("1 output, 1 stale") == true, "\(later)")
    }

    @Test func explainSaysWhyOrThatItIsUpToDate() throws {
        let box = try PhotoProject.make("explain")
        let upToDate = try box.imgmake("explain", "build/thumbs/a.webp", "build/sheet.jpg")
        #expect(upToDate.status == 0, "\(upToDate)")
        #expect(upToDate.stdout.contains("build/thumbs/a.webp: up to date"), "\(upToDate)")
        #expect(upToDate.stdout.contains("build/sheet.jpg: up to date"), "\(upToDate)")

        try box.touch("photos/a.jpg")
        try box.remove("build/big/b-40.png")
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: "save Q=85", with: "save Q=84"))
        let stale = try box.imgmake("explain", "build/thumbs/a.webp", "build/big/b-40.png", "build/sheet.jpg", "build/thumbs/b.webp")
        #expect(stale.status == 0, "\(stale)")
        #expect(line(stale.stdout, with: "build/thumbs/a.webp")?.contains("photos/a.jpg is newer") == true, "\(stale)")
        #expect(line(stale.stdout, with: "build/big/b-40.png")?.contains("missing") == true, "\(stale)")
        #expect(line(stale.stdout, with: "build/sheet.jpg")?.contains("recipe changed") == true, "\(stale)")
        #expect(line(stale.stdout, with: "build/thumbs/b.webp")?.contains("up to date") == true, "\(stale)")
        // explain changes nothing.
        #expect(!box.exists("build/big/b-40.png"))

        let unknown = try box.imgmake("explain", "build/nothing.png")
        #expect(unknown.status == 2, "\(unknown)")
    }

    @Test func opsListsOperationsAndShowsOne() throws {
        let box = try Sandbox("ops")
        let one = try box.imgmake("ops", "thumbnail")
        #expect(one.status == 0, "\(one)")
        for text in ["thumbnail", "width", "height", "crop", "attention", "size"] {
            #expect(one.stdout.contains(text), "\(text) in \(one)")
        }
        let filtered = try box.imgmake("ops", "save")
        #expect(filtered.status == 0, "\(filtered)")
        #expect(filtered.stdout.contains("webpsave") && filtered.stdout.contains("jpegsave"), "\(filtered)")
        #expect(!filtered.stdout.contains("gaussblur"), "\(filtered)")
        let all = try box.imgmake("ops")
        #expect(all.status == 0 && all.stdout.contains("arrayjoin") && all.stdout.contains("composite2"), "\(all)")
        let none = try box.imgmake("ops", "no-such-operation-at-all")
        #expect(none.status != 0, "\(none)")
    }

    @Test func cleanRemovesOutputsAndNeverSources() throws {
        let box = try Sandbox("clean")
        try box.image("photos/a.png", seed: 1)
        try box.image("photos/b.jpg", seed: 2)
        // Outputs beside the sources, and a hand-made file where outputs go.
        try box.image("build/mine.webp", seed: 3)
        try box.write(
            "Imgmakefile",
            """
            all: thumbs copies sheet
            thumbs: build/{name}.webp <- photos/*.png photos/*.jpg
                thumbnail width=16
            copies: photos/{name}-copy.png <- photos/*.jpg
                thumbnail width=20
            sheet: build/sheet.png <- build/*.webp
                arrayjoin across=3
            """)
        let built = try box.imgmake()
        #expect(built.status == 0, "\(built)")
        #expect(
            box.exists("build/a.webp") && box.exists("build/b.webp") && box.exists("photos/b-copy.png") && box.exists("build/sheet.png"))
        // A chain: the copies are thumbnailed too; the sheet read the hand-made file as well.
        #expect(box.exists("build/b-copy.webp"))
        #expect(try box.imageSize("build/sheet.png")?.width == 3 * 64)

        let dry = try box.imgmake("clean", "-n", "thumbs")
        #expect(dry.status == 0 && box.exists("build/a.webp"), "\(dry)")

        let thumbs = try box.imgmake("clean", "thumbs")
        #expect(thumbs.status == 0, "\(thumbs)")
        #expect(!box.exists("build/a.webp") && !box.exists("build/b.webp") && !box.exists("build/b-copy.webp"), "\(thumbs)")
        #expect(box.exists("build/sheet.png") && box.exists("photos/b-copy.png"), "only the target's outputs: \(thumbs)")

        let all = try box.imgmake("clean")
        #expect(all.status == 0, "\(all)")
        #expect(Set(box.files()) == ["Imgmakefile", "photos/a.png", "photos/b.jpg", "build/mine.webp"], "\(all)")
        // After clean, everything is built again.
        let again = try box.imgmake()
        #expect(again.status == 0 && again.summary?.built == 5, "\(again)")
    }

    @Test func directoryFileAndVariableOverrides() throws {
        let box = try Sandbox("options")
        try box.image("project/photos/a.png", width: 100, height: 50, seed: 1)
        try box.write(
            "project/Imgmakefile",
            """
            SIZE = 40
            thumbs: build/{name}.png <- photos/*.png
                thumbnail width=$(SIZE)
            """)
        try box.write(
            "project/other.imgmake",
            """
            SIZE = 30
            small: small/{name}.png <- photos/*.png
                thumbnail width=$(SIZE)
            """)
        // -C DIR: the recipe and its paths are found there; state goes beside the recipe.
        let c = try box.imgmake("-C", "project")
        #expect(c.status == 0, "\(c)")
        #expect(try box.imageSize("project/build/a.png")?.width == 40)
        #expect(box.exists("project/.imgmake") && !box.exists(".imgmake") && !box.exists("build"))
        // The same from inside the folder: up to date.
        let inside = try box.imgmake(in: "project")
        #expect(inside.summary == Summary(upToDate: 1), "\(inside)")

        // NAME=VALUE overrides a variable: the recipe changed, so its outputs are rebuilt.
        let override = try box.imgmake("-C", "project", "SIZE=24")
        #expect(override.status == 0 && override.summary?.built == 1, "\(override)")
        #expect(try box.imageSize("project/build/a.png")?.width == 24)
        let same = try box.imgmake("-C", "project", "SIZE=24")
        #expect(same.summary == Summary(upToDate: 1), "\(same)")
        let back = try box.imgmake("-C", "project")
        #expect(back.summary?.built == 1, "\(back)")
        #expect(try box.imageSize("project/build/a.png")?.width == 40)

        // -f FILE picks another recipe, relative to the current directory (after -C).
        let f = try box.imgmake("-C", "project", "-f", "other.imgmake")
        #expect(f.status == 0, "\(f)")
        #expect(try box.imageSize("project/small/a.png")?.width == 30)
        let f2 = try box.imgmake("-f", "project/other.imgmake", "SIZE=20", "small")
        #expect(f2.status == 0 && f2.summary?.built == 1, "\(f2)")
        #expect(try box.imageSize("project/small/a.png")?.width == 20)

        // A target may be an output path.
        try box.remove("project/build/a.png")
        let output = try box.imgmake("-C", "project", "build/a.png")
        #expect(output.status == 0 && output.summary?.built == 1 && box.exists("project/build/a.png"), "\(output)")
    }

    @Test func quietPrintsOnlyErrors() throws {
        let box = try PhotoProject.make("quiet", built: false)
        let quiet = try box.imgmake("-q", "-j2")
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdout.isEmpty, "\(quiet)")
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs)
    }

    @Test func includeAndPathsRelativeToTheFileThatNamesThem() throws {
        let box = try Sandbox("include")
        try box.image("photos/a.png", seed: 1)
        try box.image("parts/logo.png", width: 8, height: 8, seed: 2)
        try box.write(
            "parts/marks.imgmake",
            """
            # Included: its paths are relative to parts/.
            WIDTH = 36
            marked: ../build/marked/{name}.png <- ../photos/*.png
                thumbnail width=$(WIDTH)
                composite2 overlay=@logo.png mode=over
            """)
        try box.write(
            "Imgmakefile",
            """
            all: thumbs marked
            include parts/marks.imgmake
            thumbs: build/thumbs/{name}.png <- photos/*.png
                thumbnail width=$(WIDTH)
            """)
        let result = try box.imgmake()
        #expect(result.status == 0, "\(result)")
        #expect(try box.imageSize("build/marked/a.png")?.width == 36)
        #expect(try box.imageSize("build/thumbs/a.png")?.width == 36)
        // The @ file is an input of every output of its rule.
        try box.touch("parts/logo.png")
        try box.expectBuild([], rebuilds: ["build/marked/a.png"])
    }

    /// The first line that starts (after blanks) with `word` and a blank or a colon.
    private func line(_ text: String, with word: String) -> String? {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first {
            $0.hasPrefix(word + " ") || $0.hasPrefix(word + ":")
        }
    }
}
