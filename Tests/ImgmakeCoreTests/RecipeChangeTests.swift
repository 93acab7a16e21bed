import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Issue 17, point 8: a rebuild for a changed recipe names what changed; reordering named arguments or
/// spelling out a default changes no fingerprint, so rebuilds nothing.
@Suite struct RecipeChangeTests {
    func tree(_ steps: String) -> TestTree {
        TestTree(recipe: "thumbs: build/{name}.webp <- photos/*.jpg\n" + steps, files: ["photos/a.jpg", "photos/b.jpg"])
    }

    func change(_ tree: TestTree, to steps: String) -> [StaleReason] {
        tree.disk.write("/t/Imgmakefile", "thumbs: build/{name}.webp <- photos/*.jpg\n" + steps)
        tree.disk.advance()
        return (try? tree.reasons("build/a.webp")) ?? []
    }

    @Test func reorderingNamedArgumentsOrSpellingOutADefaultRebuildsNothing() throws {
        let tree = tree("    thumbnail 100 crop=attention no-rotate=true\n    sharpen\n    save Q=80\n")
        try tree.build()
        for same in [
            "    thumbnail 100 no-rotate=true crop=attention\n    sharpen\n    save Q=80\n",
            "    thumbnail width=100 crop=attention no-rotate=true height=100\n    sharpen sigma=0.5\n    save strip=false Q=80\n",
        ] {
            #expect(change(tree, to: same) == [], "\(same)")
            #expect(try tree.build().built == [], "\(same)")
        }
        // A value that is not the default is a change: libvips' height default (1) is not imgmake's (the width).
        #expect(
            change(tree, to: "    thumbnail 100 crop=attention no-rotate=true height=1\n    sharpen\n    save Q=80\n")
                == [.recipeChanged("thumbnail height default → 1")])
    }

    @Test func theReasonNamesTheStepAndTheArgument() throws {
        let tree = tree("    thumbnail 200 crop=attention\n    sharpen sigma=1\n    save Q=80\n")
        try tree.build()
        #expect(
            change(tree, to: "    thumbnail 120 crop=attention\n    sharpen sigma=1\n    save Q=80\n") == [
                .recipeChanged("thumbnail width 200 → 120")
            ])
        #expect(
            change(tree, to: "    thumbnail 200\n    sharpen sigma=2\n    save Q=70\n")
                == [.recipeChanged("thumbnail crop attention → default; sharpen sigma 1 → 2; save Q 80 → 70")])
        #expect(change(tree, to: "    thumbnail 200 crop=attention\n    save Q=80\n") == [.recipeChanged("step sharpen sigma=1 removed")])
        #expect(
            change(tree, to: "    thumbnail 200 crop=attention\n    sharpen sigma=1\n    rotate 90\n    save Q=80\n")
                == [.recipeChanged("step rotate angle=90 added")])
        let text = try Explanation.text(try tree.session(), targets: ["build/a.webp"])
        #expect(text == "build/a.webp: stale: its recipe changed: step rotate angle=90 added\n", "\(text)")
    }

    @Test func aChangeFromARecordWithoutItsStepsIsSaidInGeneral() throws {
        let tree = tree("    thumbnail 200\n")
        try tree.build()
        try tree.disk.remove("/t/.imgmake/recipes")  // as an imgmake before this one left it
        #expect(change(tree, to: "    thumbnail 120\n") == [.recipeChanged(nil)])
        #expect(StaleReason.recipeChanged(nil).description == "its recipe changed (the rule's steps, or the imgmake/libvips version)")
    }

    @Test func theStepsOfEachFingerprintAreKeptOnceAndAShardKeepsItsOwn() throws {
        let tree = tree("    thumbnail 200\n")
        try tree.build()
        let lines = try tree.disk.read("/t/.imgmake/recipes").split(separator: 10)
        #expect(lines.count == 1, "both outputs share one fingerprint")
        let text = String(decoding: lines[0], as: UTF8.self)
        #expect(
            text.contains("\"step thumbnail width=200\"") && text.contains("\"pipeline \(RecipeFingerprint.pipelineVersion)\""), "\(text)")
        tree.shard = Shard(index: 1, count: 2)
        tree.disk.write("/t/Imgmakefile", "thumbs: build/{name}.webp <- photos/*.jpg\n    thumbnail 300\n")
        tree.disk.advance()
        try tree.build()
        #expect(tree.disk.stamp("/t/.imgmake/recipes.shard-1-of-2") != nil)
    }
}
