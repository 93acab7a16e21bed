import Testing

@testable import ImgmakeRecipe

/// `RecipeLoader.targetNames` (what completion offers): the names `load` defines, from the lines that define
/// names only.
@Suite struct TargetNamesTests {
    func names(_ top: String, files: [String: String] = [:]) -> [String]? {
        var all = ["/r/Imgmakefile": top]
        for (path, text) in files { all["/r/" + path] = text }
        return RecipeLoader(reader: MemoryFiles(files: all)).targetNames(file: "/r/Imgmakefile")
    }

    static let recipe = """
        KIND = thumbs
        all: $(KIND) sheet
        $(KIND): build/{name}.webp <- photos/*.jpg
            with w = 1 2
            thumbnail {w}
        include parts/more.imgmake
        sheet: build/sheet.jpg <- build/*.webp
            arrayjoin across=2

        """

    @Test func namesAreTheLoadersRulesThenGroups() throws {
        let files = ["parts/more.imgmake": "large: big/{name}.png <- ../photos/*.jpg\n    thumbnail 900\nsome: large\n"]
        let recipe = try load(Self.recipe, files: files)
        #expect(names(Self.recipe, files: files) == recipe.rules.map(\.name.value) + recipe.groups.map(\.name.value))
        #expect(names(Self.recipe, files: files) == ["thumbs", "large", "sheet", "all", "some"])
    }

    /// Steps, `with` lines, patterns and globs are not read: their mistakes do not hide the names.
    @Test func stepsAndPatternsAreNotRead() {
        let broken = "a: out/{nme}.png <- [*.jpg\n    thumbnail width=\n    with = 1\nb: a\n"
        #expect(!errors(broken).isEmpty)
        #expect(names(broken) == ["a", "b"])
    }

    /// A mistake in a line that defines names (or a missing include) gives none, as the loader gives no recipe.
    @Test(arguments: ["a: x <- y\na: z\n", "a x\n", "include nothing.imgmake\n", "a: $(UNSET\n"])
    func aMistakeInANameLineGivesNoNames(top: String) {
        #expect(!errors(top).isEmpty)
        #expect(names(top) == nil)
    }
}

/// The loader's lines are found on UTF-8 bytes: where splitting the text's characters at newlines finds them.
@Suite struct LineRangesTests {
    @Test(
        arguments: [
            "", "a", "a\n", "\n\n", "a\r\nb", "a\rb\r", "a\n\rb", "\r\r\n", "x\u{0B}y\u{0C}z", "é\u{85}ü\u{2028}v\u{2029}",
            "a\n\u{301}b", " \u{301}c\n\td", "\u{1F469}\u{200D}\u{1F4BB}\n#", "\u{E2}\u{80}x", "\u{2027}\u{202A}",
        ])
    func linesAreTheCharactersSplitAtNewlines(text: String) {
        let lines = LineText.lineRanges(of: text).map { String(text[$0]) }
        let split = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        #expect(lines == split, "\(text.debugDescription)")
    }
}
