import Foundation
import Testing

/// How the command line reads what users type: options before the subcommand, and `NAME=VALUE` overrides.
@Suite struct CommandLineOptionsTests {
    /// `project/` with a recipe that defines SIZE and uses QUALITY without defining it.
    func project(_ name: String) throws -> Sandbox {
        let box = try Sandbox(name)
        try box.image("project/photos/a.png", width: 100, height: 50, seed: 1)
        try box.write(
            "project/Imgmakefile",
            """
            SIZE = 40
            UNUSED = 1
            thumbs: build/{name}.webp <- photos/*.png
                thumbnail width=$(SIZE)
                save Q=$(QUALITY)
            """)
        return box
    }

    @Test func anOverrideTheRecipeNeverMentionsIsAWarningWithASuggestion() throws {
        let box = try project("override-typo")
        let typo = try box.imgmake("-C", "project", "QUALITY=80", "SIZ=24")
        #expect(typo.status == 0, "a warning, not an error: \(typo)")
        #expect(
            typo.stderr.contains(
                "imgmake: warning: unknown variable 'SIZ' in SIZ=24: Imgmakefile neither defines nor uses it (did you mean 'SIZE'?)"),
            "\(typo)")
        #expect(try box.imageSize("project/build/a.webp")?.width == 40, "the override changed nothing")
        #expect(typo.stderr.components(separatedBy: "warning:").count == 2, "one warning: \(typo)")

        // Defined or used, set or not: no warning (UNUSED is defined, QUALITY used, SIZE both).
        for words in [["QUALITY=80", "SIZE=24"], ["QUALITY=80", "UNUSED=2"]] {
            let fine = try box.imgmake(arguments: ["-C", "project"] + words)
            #expect(fine.status == 0 && !fine.stderr.contains("warning"), "\(fine)")
        }
        // A name nothing is close to: the warning without a suggestion. The list and explain commands warn too.
        let far = try box.imgmake("-C", "project", "list", "QUALITY=80", "ZOOMFACTOR=3")
        #expect(far.status == 0, "\(far)")
        #expect(
            far.stderr.contains(
                "imgmake: warning: unknown variable 'ZOOMFACTOR' in ZOOMFACTOR=3: Imgmakefile neither defines nor uses it\n"), "\(far)")
        let explain = try box.imgmake("-C", "project", "explain", "build/a.webp", "QUALITY=80", "SIZ=3")
        #expect(explain.stderr.contains("did you mean 'SIZE'?"), "\(explain)")
        let clean = try box.imgmake("-C", "project", "clean", "-n", "QUALITY=80", "SIZ=3")
        #expect(clean.status == 0 && clean.stderr.contains("did you mean 'SIZE'?"), "\(clean)")
    }

    @Test func optionsMayComeBeforeTheSubcommand() throws {
        let box = try project("options-first")
        try box.write(
            "project/other.imgmake",
            """
            small: small/{name}.png <- photos/*.png
                thumbnail width=20
            list: listed/{name}.png <- photos/*.png
                thumbnail width=10
            """)
        // -C, -f and NAME=VALUE before `list`: it lists (builds nothing).
        let list = try box.imgmake("-C", "project", "QUALITY=80", "list")
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("rules:") && list.stdout.contains("thumbs"), "\(list)")
        #expect(!box.exists("project/build"), "list built something: \(list)")
        let joined = try box.imgmake("-Cproject", "--check", "hash", "list", "QUALITY=80")
        #expect(joined.status == 0 && joined.stdout.contains("rules:"), "\(joined)")

        // Options and a target: still a build.
        let build = try box.imgmake("-C", "project", "-j2", "thumbs", "QUALITY=80")
        #expect(build.status == 0 && build.summary?.built == 1, "\(build)")
        #expect(box.exists("project/build/a.webp"))

        let explain = try box.imgmake("-C", "project", "explain", "build/a.webp", "QUALITY=80")
        #expect(explain.status == 0 && explain.stdout.contains("build/a.webp: up to date"), "\(explain)")

        // -f before clean, and clean's own option after it.
        let built = try box.imgmake("-C", "project", "-f", "other.imgmake", "small")
        #expect(built.status == 0 && box.exists("project/small/a.png"), "\(built)")
        let clean = try box.imgmake("-C", "project", "-f", "other.imgmake", "clean", "-n", "small")
        #expect(clean.status == 0 && clean.stdout.contains("would remove small/a.png"), "\(clean)")
        #expect(box.exists("project/small/a.png"))
        let orphans = try box.imgmake("-C", "project", "-f", "other.imgmake", "clean", "--orphans", "-n")
        #expect(orphans.status == 0 && orphans.stdout.contains("would remove"), "\(orphans)")

        // The shell.
        let shell = try box.imgmake("-C", "project", "QUALITY=80", "shell", "-c", "list")
        #expect(shell.status == 0 && shell.stdout.contains("thumbs"), "\(shell)")

        // A target named like a subcommand: after `build` (or after the targets) it is a target.
        let named = try box.imgmake("-C", "project", "-f", "other.imgmake", "build", "list")
        #expect(named.status == 0 && named.summary?.built == 1 && box.exists("project/listed/a.png"), "\(named)")
        try box.remove("project/listed/a.png")
        let after = try box.imgmake("-C", "project", "-f", "other.imgmake", "small", "list")
        #expect(after.status == 0 && box.exists("project/listed/a.png"), "\(after)")
        // An option's value is never a subcommand: `-f list` reads a recipe called list.
        let value = try box.imgmake("-C", "project", "-f", "list")
        #expect(value.status == 2 && value.stderr.contains("no recipe file list"), "\(value)")

        // An option the subcommand does not have is an error that names it.
        let wrong = try box.imgmake("-C", "project", "-j2", "list")
        #expect(wrong.status == 2 && wrong.stderr.contains("-j"), "\(wrong)")
    }
}
