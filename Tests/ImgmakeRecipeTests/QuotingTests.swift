import ImgmakeRecipe
import Testing

@Suite struct QuotingTests {
    @Test func quotedValuesAndFileNamesWithSpacesAndNonASCII() throws {
        let recipe = try load(
            """
            ÉTÉ = été 日本
            r: "out dir/{name} ($(ÉTÉ)).jpg" <- "photos/my trip/*.jpg" 日本/*.jpg   # comment
                text text="Hello, \\"world\\"\\n\\ttab \\\\ # not a comment" font="DejaVu Sans 12"
                composite2 overlay=@"assets/logo été.png" mode=over
                text "bare quoted=value" text=""
                text text="{w}: café" dpi=72
                with w = 日本 "two words" é
            """)
        let rule = recipe.rules[0]
        #expect(rule.outputPattern.brief == "out dir/{name} (été 日本).jpg@2:5")
        #expect(rule.inputGlobs.map(\.brief) == ["photos/my trip/*.jpg@2:38", "日本/*.jpg@2:60"])
        let text = rule.steps[0].arguments
        #expect(text[0].value.value == "Hello, \"world\"\n\ttab \\ # not a comment")
        #expect(text[0].quoted)
        #expect(text[0].value.location.column == 16)
        #expect(text[1].value.value == "DejaVu Sans 12")
        let overlay = rule.steps[1].arguments[0]
        #expect(overlay.value.value == "@assets/logo été.png")
        #expect(!overlay.quoted)
        let bare = rule.steps[2].arguments
        #expect(bare[0].name == nil)
        #expect(bare[0].value.value == "bare quoted=value")
        #expect(bare[0].quoted)
        #expect(bare[1].name?.value == "text")
        #expect(bare[1].value.value == "")
        #expect(bare[1].quoted)
        // Columns count characters, so a wide character counts once.
        let placeholder = rule.steps[3].arguments
        #expect(placeholder[1].name?.brief == "dpi@6:27")
        #expect(rule.matrix[0].values.map(\.brief) == ["日本@7:14", "two words@7:18", "é@7:29"])
    }

    @Test func arrowsSplitWordsOnlyInHeadersAndOutsideQuotes() throws {
        let recipe = try load(
            """
            r: out/{name}.png<-in/*.png "a<-b/*.png"
                text text=a<-b
            """)
        #expect(recipe.rules[0].outputPattern.value == "out/{name}.png")
        #expect(recipe.rules[0].inputGlobs.map(\.value) == ["in/*.png", "a<-b/*.png"])
        #expect(recipe.rules[0].steps[0].arguments[0].value.value == "a<-b")
    }

    @Test func bodyRulesAroundBlankAndCommentLines() throws {
        let recipe = try load(
            """
            \u{FEFF}r: o/{name}.png <- *.png   # a rule with a BOM before it

                # an indented comment
            # a comment in column 1 does not end the body
            \t  op1 a=1\r
                op2
            empty: o2.png <- x.png
            g: r empty
            """)
        #expect(recipe.rules[0].steps.map(brief) == ["op1 a=1", "op2"])
        #expect(recipe.rules[0].steps[0].operation.brief == "op1@5:4")
        #expect(recipe.rules[1].steps.isEmpty)
        #expect(recipe.rules[1].outputPattern.value == "o2.png")
        #expect(recipe.groups[0].targets.map(\.value) == ["r", "empty"])
    }

    @Test func namesMayUseDotsDashesAndUnderscores() throws {
        let recipe = try load(
            """
            web-1.x_y: out/{name}.png <- *.png
                load n=-1 access_method=sequential fail-on=none
                save
            include-all: web-1.x_y build/x.png
            include = not an include
            include: web-1.x_y
            """)
        #expect(recipe.rules[0].name.value == "web-1.x_y")
        #expect(recipe.rules[0].steps.map(brief) == ["load n=-1 access_method=sequential fail-on=none", "save"])
        #expect(recipe.groups.map(\.name.value) == ["include-all", "include"])
        #expect(recipe.groups[0].targets.map(\.value) == ["web-1.x_y", "build/x.png"])
        #expect(recipe.variables["include"] == "not an include")
        #expect(recipe.defaultTarget == "web-1.x_y")
    }

    @Test func emptyRecipeLoads() throws {
        let recipe = try load("# nothing here\n\n")
        #expect(recipe.rules.isEmpty && recipe.groups.isEmpty)
        #expect(recipe.defaultTarget == nil)
    }
}
