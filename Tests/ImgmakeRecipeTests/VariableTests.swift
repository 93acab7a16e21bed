import ImgmakeRecipe
import Testing

@Suite struct VariableTests {
    @Test func expandedWhenReadInFileOrder() throws {
        let recipe = try load(
            """
            A = one
            B = $(A) two
            A = three
            r: out/{name}.png <- $(B)/*.jpg
                op x=$(A)
            """)
        #expect(recipe.variables == ["A": "three", "B": "one two"])
        #expect(recipe.rules[0].inputGlobs.map(\.value) == ["one", "two/*.jpg"])
        #expect(recipe.rules[0].steps[0].arguments[0].value.value == "three")
    }

    @Test func aVariableCanHoldSeveralWordsAndMakeAnyPartOfALine() throws {
        let recipe = try load(
            """
            NAME = thumbs
            GLOBS = a/*.jpg b/*.png
            SIZES = 480 960
            STEP = thumbnail width=$$(nothing)
            $(NAME): out/{path}-{w}.webp <- $(GLOBS)
                with w = $(SIZES)
                $(STEP)
            """)
        let rule = recipe.rules[0]
        #expect(rule.name.value == "thumbs")
        #expect(rule.inputGlobs.map(\.brief) == ["a/*.jpg@5:33", "b/*.png@5:33"])
        #expect(rule.matrix[0].values.map(\.value) == ["480", "960"])
        #expect(rule.steps.map(brief) == ["thumbnail width=$(nothing)"])
    }

    @Test func doubledDollarIsALiteralDollar() throws {
        let recipe = try load(
            """
            PRICE = $$5
            r: out/$$x-{name}.png <- in/*.png
                text text="cost: $(PRICE) $$$$"
            """)
        #expect(recipe.variables["PRICE"] == "$5")
        #expect(recipe.rules[0].outputPattern.value == "out/$x-{name}.png")
        #expect(recipe.rules[0].steps[0].arguments[0].value.value == "cost: $5 $$")
    }

    @Test func overridesWinAndAreNeverExpandedFromTheFile() throws {
        let recipe = try load(
            """
            SIZE = $(UNDEFINED)
            QUALITY = 80
            r: out/{name}.png <- in/*.png
                save Q=$(QUALITY) size=$(SIZE) extra=$(EXTRA)
            """, overrides: ["SIZE": "100", "EXTRA": "e"])
        #expect(recipe.variables == ["SIZE": "100", "QUALITY": "80", "EXTRA": "e"])
        #expect(recipe.rules[0].steps.map(brief) == ["save Q=80 size=100 extra=e"])
    }

    @Test func valuesKeepQuotesAndLoseSurroundingBlanksAndComments() throws {
        let recipe = try load(
            """
            TITLE =   "Summer 2024"   # a comment
            EMPTY =
            COLOR = #fff
            HEX = a#b
            r: out/{name}.png <- in/*.png
                text text=$(TITLE)$(EMPTY)
            """)
        #expect(recipe.variables == ["TITLE": "\"Summer 2024\"", "EMPTY": "", "COLOR": "", "HEX": "a#b"])
        let argument = recipe.rules[0].steps[0].arguments[0]
        #expect(argument.value.value == "Summer 2024")
        #expect(argument.quoted)
    }

    @Test func variableNamesAreTheNamesTheFilesAssignOrUse() throws {
        // Assigned (overridden or not), used in any line or include, used in an overridden assignment: known.
        // Names that appear only in overrides, a comment, or as `$$(literal)` are not.
        let recipe = try load(
            """
            SIZE = 10
            BIG = $(SIZE)0 $(FROM_VALUE)
            include $(PARTS).imgmake
            r: out/{name}.png <- $(IN)/*.png   # $(IN_COMMENT)
                op x=$(Q) y=$$(LITERAL)
            """, files: ["parts.imgmake": "PARTVAR = 1\n"],
            overrides: ["BIG": "1", "IN": "in", "Q": "1", "PARTS": "parts", "FROM_VALUE": "x", "TYPO": "1"])
        #expect(recipe.variableNames == ["SIZE", "BIG", "FROM_VALUE", "PARTS", "PARTVAR", "IN", "Q"])
        #expect(recipe.variables["TYPO"] == "1")
    }
}
