import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// The one line of an output's reasons (`--explain`, `explain`, the shell's `status` and `show`): an aggregate's
/// reasons about many inputs are summed up, not listed (issue 17, point 9).
@Suite struct ExplanationTests {
    static let recipe = """
        sheet: build/sheet.jpg <- photos/*.jpg
            arrayjoin across=4
        """

    @Test func anAggregatesNewerInputsAreCountedWithTheFirstFewNamed() throws {
        let photos = (1...12).map { "photos/p\($0 < 10 ? "0" : "")\($0).jpg" }
        let tree = TestTree(recipe: Self.recipe, files: photos)
        try tree.build(["sheet"])
        for photo in photos.prefix(5) { tree.disk.write("/t/" + photo, "new pixels of \(photo)") }
        tree.disk.advance()
        let text = try Explanation.text(try tree.session(), targets: ["sheet"])
        #expect(
            text == "build/sheet.jpg: stale: 5 of its 12 inputs are newer (photos/p01.jpg, photos/p02.jpg, photos/p03.jpg and 2 more)\n",
            "\(text)")
    }

    @Test func reasonsOfOtherKindsStayAndASingleInputKeepsItsSentence() {
        let reasons: [StaleReason] = [.recipeChanged(nil), .inputNewer("a"), .inputMissing("m"), .inputNewer("b"), .inputNewer("c")]
        #expect(
            StaleReason.explain(reasons, inputs: 40)
                == "its recipe changed (the rule's steps, or the imgmake/libvips version); 3 of its 40 inputs are newer (a, b, c); "
                + "its input m is missing")
        #expect(StaleReason.explain([.inputNewer("a")], inputs: 1) == "its input a is newer")
        #expect(Listing.names((1...3060).map { "p\($0)" }) == "p1, p2, p3 and 3057 more")
    }
}
