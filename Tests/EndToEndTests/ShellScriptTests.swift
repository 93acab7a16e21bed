import Foundation
import Testing

/// `imgmake shell -c '...'` and `imgmake shell < script`: no prompt, `;` or one command per line, exit status
/// non-zero when a command failed.
@Suite struct ShellScriptTests {
    static let recipe = ShellProject.recipe

    func folder() throws -> Sandbox { try ShellProject.make("shellscript", photos: ["a", "b", "c"]) }

    @Test func dashCRunsCommandsSeparatedBySemicolons() throws {
        let folder = try folder()
        let result = try folder.imgmake(arguments: ["shell", "-c", "list; build thumbs -j2; status"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("thumbs    3 outputs, 3 stale"), "\(result)")
        #expect(result.stdout.contains("3 built, 0 failed"), "\(result)")
        #expect(result.stdout.contains("thumbs: up to date (3 outputs)"), "\(result)")
        #expect(result.stdout.contains("sheet: 1 of 1 output stale"), "\(result)")
        #expect(!result.stdout.contains("imgmake>"), "no prompt in a script")
        #expect(folder.files(under: "build") == ["build/a.webp", "build/b.webp", "build/c.webp"])
    }

    @Test func standardInputIsAScriptOfLines() throws {
        let folder = try folder()
        let script = """
            # build everything, then look
            build all -j2
            status; explain build/sheet.jpg
            info 'photos/a.ppm'

            """
        let result = try folder.imgmake(arguments: ["shell"], input: script)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("4 built"), "\(result)")
        #expect(result.stdout.contains("everything is up to date (4 outputs)"), "\(result)")
        #expect(result.stdout.contains("build/sheet.jpg: up to date"), "\(result)")
        #expect(result.stdout.contains("width:          96"), "\(result)")
        #expect(!result.stdout.contains("imgmake>"))
    }

    @Test func aFailedCommandMakesTheStatusNonZeroAndTheScriptGoesOn() throws {
        let folder = try folder()
        let result = try folder.imgmake(arguments: ["shell", "-c", "build nosuch; list"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("no rule, group or output called 'nosuch'"), "\(result)")
        #expect(result.stdout.contains("rules:"), "the script went on: \(result)")

        let typo = try folder.imgmake(arguments: ["shell"], input: "stauts\nlist\n")
        #expect(typo.status == 2, "\(typo)")
        #expect(typo.stderr.contains("unknown command 'stauts' (did you mean 'status'?)"), "\(typo)")
        #expect(typo.stdout.contains("rules:"))
    }

    @Test func aFailedJobGivesStatusOne() throws {
        let folder = try folder()
        try folder.write("photos/broken.ppm", "this is not an image at all")
        let result = try folder.imgmake(arguments: ["shell", "-c", "build -k -j2; status"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("3 built, 1 failed"), "\(result)")
        #expect(result.stdout.contains("thumbs: 1 of 4 outputs stale"), "\(result)")
    }

    @Test func aRecipeErrorIsPrintedWithItsPlace() throws {
        let folder = try folder()
        try folder.write("Imgmakefile", Self.recipe.replacingOccurrences(of: "thumbnail $(SIZE)", with: "thumbnial $(SIZE)"))
        let result = try folder.imgmake(arguments: ["shell", "-c", "status; help thumbnail"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Imgmakefile:3:5: error: unknown operation 'thumbnial'"), "\(result)")
        #expect(result.stdout.contains("thumbnail - "), "help still answers: \(result)")
    }

    @Test func quitEndsTheScript() throws {
        let folder = try folder()
        let result = try folder.imgmake(arguments: ["shell"], input: "set jobs 1\nquit\nbuild\n")
        #expect(result.status == 0, "\(result)")
        #expect(!folder.exists("build"), "nothing after quit runs: \(result)")
    }

    @Test func variablesFromTheCommandLineAndFromSet() throws {
        let folder = try folder()
        let result = try folder.imgmake(arguments: ["shell", "SIZE=24", "-c", "show thumbs; set SIZE 20; show thumbs"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("thumbnail width=24"), "\(result)")
        #expect(result.stdout.contains("thumbnail width=20"), "\(result)")
        let wrong = try folder.imgmake(arguments: ["shell", "thumbs"])
        #expect(wrong.status == 2, "\(wrong)")
        #expect(wrong.stderr.contains("not NAME=VALUE"), "\(wrong)")
    }

    @Test func cleanAndDryRun() throws {
        let folder = try folder()
        let result = try folder.imgmake(arguments: ["shell", "-c", "build -j2; clean -n thumbs; clean thumbs; build -n"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("would remove 3 files"), "\(result)")
        #expect(result.stdout.contains("removed 3 files"), "\(result)")
        #expect(result.stdout.contains("3 to build"), "\(result)")
        #expect(folder.files(under: "build").isEmpty)
    }
}
