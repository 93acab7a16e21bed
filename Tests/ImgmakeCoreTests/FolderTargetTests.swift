import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Issue 17, point 7: a folder is a target (the outputs below it, as the shell's Tab completes folders), and a
/// source named as a target is said to be one.
@Suite struct FolderTargetTests {
    static let recipe = """
        thumbs: out/thumbs/{path}.webp <- photos/**/*.jpg
            thumbnail 100
        big: out/big/{path}.webp <- photos/**/*.jpg
            thumbnail 800
        """

    func tree() -> TestTree {
        TestTree(recipe: Self.recipe, files: ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2023/c.jpg"])
    }

    @Test func aFolderBuildsTheOutputsBelowIt() throws {
        let tree = tree()
        #expect(try tree.build(["out/thumbs/2024/"]).built == ["out/thumbs/2024/a.webp", "out/thumbs/2024/b.webp"])
        #expect(try tree.build(["out/thumbs"]).built == ["out/thumbs/2023/c.webp"])
        #expect(try tree.build(["out/"]).built == ["out/big/2023/c.webp", "out/big/2024/a.webp", "out/big/2024/b.webp"])
        #expect(throws: UsageError.self) { try tree.session().edges(for: ["out/thumb"]) }
    }

    @Test func aSourceIsSaidToBeOneOfItsRules() throws {
        let tree = tree()
        let session = try tree.session()
        do {
            _ = try session.edges(for: ["photos/2024/a.jpg"])
            Issue.record("a source is no target")
        } catch {
            #expect(
                "\(error)"
                    == "'photos/2024/a.jpg' is a source of rules 'thumbs' and 'big', not an output: it makes out/thumbs/2024/a.webp, out/big/2024/a.webp"
            )
        }
        let text = try Explanation.text(session, targets: ["photos/2023/c.jpg", "out/thumbs/2023/c.webp"])
        #expect(
            text
                == "photos/2023/c.jpg: a source of rules 'thumbs' and 'big', not an output: it makes out/thumbs/2023/c.webp, out/big/2023/c.webp\n"
                + "out/thumbs/2023/c.webp: stale: the output is missing\n", "\(text)")
    }
}
