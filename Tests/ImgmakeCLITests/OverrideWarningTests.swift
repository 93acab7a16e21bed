import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// `NAME=VALUE` and `set NAME VALUE` for a variable the recipe neither defines nor uses: a warning, with a
/// "did you mean" when a known name is close.
@Suite struct OverrideWarningTests {
    static let recipe = """
        SIZE = 64
        UNUSED = 1
        thumbs: build/{name}.webp <- photos/*.jpg
            thumbnail $(SIZE)
            save Q=$(QUALITY)
        """

    @Test func sessionNamesOnlyOverridesTheRecipeNeverMentions() throws {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg"])
        let session = try tree.session(overrides: ["SIZ": "5", "SIZE": "7", "UNUSED": "2", "QUALITY": "80", "ZOOMFACTOR": "2"])
        #expect(
            session.unknownOverrides == [
                "SIZ": "unknown variable 'SIZ' in SIZ=5: Imgmakefile neither defines nor uses it (did you mean 'SIZE'?)",
                "ZOOMFACTOR": "unknown variable 'ZOOMFACTOR' in ZOOMFACTOR=2: Imgmakefile neither defines nor uses it",
            ])
        var lines: [String] = []
        session.warnAboutOverrides(.quiet(errors: { lines.append($0) }))
        #expect(
            lines == [
                "imgmake: warning: unknown variable 'SIZ' in SIZ=5: Imgmakefile neither defines nor uses it (did you mean 'SIZE'?)\n",
                "imgmake: warning: unknown variable 'ZOOMFACTOR' in ZOOMFACTOR=2: Imgmakefile neither defines nor uses it\n",
            ], "printed even with -q")
    }

    @Test func shellWarnsAtSetAndForACommandsOwnOverrides() throws {
        let folder = try ShellCommandTests.Folder(recipe: Self.recipe)
        #expect(folder.run("set QUALITY 80").err.isEmpty)
        let typo = folder.run("set SIZ 128")
        #expect(typo.code == 0, "\(typo)")
        #expect(typo.out == "SIZ = 128\n", "\(typo)")
        #expect(
            typo.err
                == "imgmake: warning: unknown variable 'SIZ' in SIZ=128: Imgmakefile neither defines nor uses it (did you mean 'SIZE'?)\n",
            "\(typo)")
        // Said once: the commands that follow load the recipe with it and stay quiet; a new `set` says it again.
        #expect(folder.run("list").err.isEmpty)
        #expect(folder.run("set SIZ 64").err.contains("unknown variable 'SIZ' in SIZ=64"))
        #expect(folder.run("unset SIZ").code == 0)
        // A command's own NAME=VALUE: each command that has it.
        #expect(folder.run("show thumbs SIZ=3").err.contains("did you mean 'SIZE'?"))
        #expect(folder.run("build -n SIZ=3").err.contains("did you mean 'SIZE'?"))
        #expect(folder.run("build -n SIZE=3").err.isEmpty)
        #expect(folder.run("set UNUSED 5").err.isEmpty, "defined but unused is fine")
    }
}
