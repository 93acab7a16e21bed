import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// Options before a subcommand: `imgmake -C DIR list` is `imgmake list -C DIR`.
@Suite struct SubcommandOrderTests {
    @Test(
        arguments: [
            // Moved: options and overrides before a subcommand.
            (["-C", "dir", "list"], ["list", "-C", "dir"]),
            (["-Cdir", "--check", "hash", "SIZE=3", "explain", "a.png"], ["explain", "-Cdir", "--check", "hash", "SIZE=3", "a.png"]),
            (["-f", "x.imgmake", "clean", "--orphans"], ["clean", "-f", "x.imgmake", "--orphans"]),
            (["-C", "dir", "shell", "-c", "list"], ["shell", "-C", "dir", "-c", "list"]),
            (["-C", "dir", "build", "list"], ["build", "-C", "dir", "list"]),
            (["-n", "-q", "clean"], ["clean", "-n", "-q"]),
            (["-f", "list", "list"], ["list", "-f", "list"]),
            // Kept: a build (no subcommand, or a target first), an option's value, after --, a subcommand first.
            (["-C", "dir", "-j2", "thumbs"], ["-C", "dir", "-j2", "thumbs"]),
            (["-C", "dir", "thumbs", "list"], ["-C", "dir", "thumbs", "list"]),
            (["-f", "list"], ["-f", "list"]),
            (["-C", "dir", "--", "list"], ["-C", "dir", "--", "list"]),
            (["build", "-C", "dir", "list"], ["build", "-C", "dir", "list"]),
            (["list", "-C", "dir"], ["list", "-C", "dir"]),
            (["--frobnicate", "list"], ["--frobnicate", "list"]),
            ([], []),
        ] as [([String], [String])])
    func subcommandComesFirst(arguments: [String], expected: [String]) {
        #expect(ImgmakeCommand.subcommandFirst(arguments) == expected)
    }

    @Test func theMovedOptionsReachTheSubcommand() throws {
        let parsed = try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(["-C", "dir", "-f", "x.imgmake", "SIZE=3", "list"]))
        let list = try #require(parsed as? ListCommand)
        #expect(list.recipe.directory == "dir" && list.recipe.file == "x.imgmake" && list.words == ["SIZE=3"])
        // A target called list stays reachable.
        let build = try #require(
            try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(["-C", "dir", "build", "list"])) as? BuildCommand)
        #expect(build.words == ["list"] && build.recipe.directory == "dir")
    }
}
