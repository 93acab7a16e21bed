import ImgmakeRecipe
import Testing

@Suite struct SuggestionsTests {
    let operations = ["thumbnail", "thumbnail_image", "sharpen", "composite2", "arrayjoin", "rotate", "resize"]

    @Test func suggestsTheClosestPlausibleName() {
        #expect(Suggestions.closest(to: "thumbnial", in: operations) == "thumbnail")
        #expect(Suggestions.closest(to: "sharpn", in: operations) == "sharpen")
        #expect(Suggestions.closest(to: "rotat", in: operations) == "rotate")
        #expect(Suggestions.closest(to: "Resize", in: operations) == "resize")
        #expect(Suggestions.closest(to: "SIZ", in: ["SIZE", "QUALITY"]) == "SIZE")
        #expect(Suggestions.closest(to: "quality", in: ["SIZE", "QUALITY"]) == "QUALITY")
    }

    @Test func staysQuietWhenNothingIsClose() {
        #expect(Suggestions.closest(to: "blur", in: operations) == nil)
        #expect(Suggestions.closest(to: "w", in: ["h", "x"]) == nil)
        #expect(Suggestions.closest(to: "anything", in: [String]()) == nil)
        #expect(Suggestions.closest(to: "rotate", in: ["rotate"]) == nil)
        #expect(Suggestions.notes(for: "blur", in: operations) == [])
        #expect(Suggestions.notes(for: "sharpem", in: operations) == ["did you mean 'sharpen'?"])
    }

    @Test func breaksTiesDeterministically() {
        #expect(Suggestions.closest(to: "ab", in: ["ac", "aa", "ad"]) == "aa")
        #expect(Suggestions.closest(to: "Ab", in: ["Ab0", "aB"]) == "aB")
    }

    @Test func editDistanceCountsSwapsAsOne() {
        #expect(Suggestions.editDistance("abcd", "abdc") == 1)
        #expect(Suggestions.editDistance("", "abc") == 3)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
        #expect(Suggestions.editDistance("日本", "日本語") == 1)
    }
}
