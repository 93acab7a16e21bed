import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// Load-time checks of README's *The recipe language*: each error names FILE:LINE:COLUMN, with a suggestion where one fits.
@Suite struct RecipeCheckerTests {
    func errors(_ recipe: String, files: [String] = ["photos/a.jpg"]) -> [String] {
        TestTree(recipe: recipe, files: files).errors()
    }

    @Test func goodRecipeLoads() {
        #expect(
            errors(
                """
                thumbs: build/{path}.webp <- photos/*.jpg
                    thumbnail width=320 crop=attention
                    sharpen sigma=0.5
                    save Q=80 strip=true
                """) == [])
    }

    @Test func unknownOperationSuggests() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnial 320\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("Imgmakefile:2:5: error: unknown operation 'thumbnial'"))
        #expect(found[0].contains("did you mean 'thumbnail'?"))
    }

    @Test func unknownArgumentSuggests() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnail 320 crpo=attention\n")
        #expect(found.first?.hasPrefix("Imgmakefile:2:19: error: 'thumbnail' has no argument 'crpo'") == true)
        #expect(found.first?.contains("did you mean 'crop'?") == true)
    }

    @Test func badEnumValueSuggests() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnail 320 crop=atention\n")
        #expect(found.first?.hasPrefix("Imgmakefile:2:24: error: bad value for 'crop'") == true)
        #expect(found.first?.contains("did you mean 'attention'?") == true)
    }

    @Test func wrongTypeAndRange() {
        #expect(errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnail wide\n").first?.contains("'wide' is not an integer") == true)
        #expect(errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnail 0\n").first?.contains("out of range") == true)
    }

    @Test func missingRequiredArgument() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\n    thumbnail\n")
        #expect(found.first?.hasPrefix("Imgmakefile:2:5: error: 'thumbnail' needs its argument 'width'") == true)
    }

    @Test func tooManyBareValues() {
        #expect(errors("t: out/{name}.webp <- photos/*.jpg\n    rotate 90 45\n").first?.contains("too many values for 'rotate'") == true)
    }

    @Test func unknownPlaceholder() {
        let found = errors("t: out/{nam}.webp <- photos/*.jpg\n")
        #expect(found.first?.hasPrefix("Imgmakefile:1:8: error: unknown placeholder {nam}") == true)
        #expect(found.first?.contains("did you mean 'name'?") == true)
    }

    @Test func outputExtensionWithoutSaver() {
        #expect(errors("t: out/{name}.xyz <- photos/*.jpg\n").first?.contains("no libvips saver writes '.xyz' files") == true)
    }

    @Test func unknownSaveOption() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\n    save q=80\n")
        #expect(found.first?.contains("webpsave has no option 'q'") == true)
        #expect(found.first?.contains("did you mean 'Q'?") == true)
    }

    @Test func operationWithoutImageOutput() {
        #expect(errors("t: out/{name}.webp <- photos/*.jpg\n    avg\n").first?.contains("'avg' does not produce an image") == true)
    }

    @Test func aggregateNeedsACombiningStep() {
        #expect(errors("sheet: out/sheet.jpg <- photos/*.jpg\n    sharpen\n").first?.contains("cannot combine") == true)
        #expect(errors("sheet: out/sheet.jpg <- photos/*.jpg\n    arrayjoin across=2\n") == [])
    }

    @Test func matrixMustAppearInOutput() {
        #expect(
            errors("t: out/{name}.webp <- photos/*.jpg\n    with w = 1 2\n    thumbnail {w}\n").first?
                .contains("matrix 'w' is not used in the output pattern") == true)
        #expect(errors("t: out/{name}-{w}.webp <- photos/*.jpg\n    with w = 100 200\n    thumbnail {w}\n") == [])
        #expect(
            errors("t: out/{name}-{w}.webp <- photos/*.jpg\n    with w = 100 big\n    thumbnail {w}\n").first?
                .contains("'big' is not an integer") == true)
    }

    @Test func missingImageFile() {
        let found = errors("m: out/{name}.jpg <- photos/*.jpg\n    composite2 overlay=@logo.png mode=over\n")
        #expect(found.first?.contains("image file logo.png does not exist") == true)
        #expect(
            errors(
                "m: out/{name}.jpg <- photos/*.jpg\n    composite2 overlay=@logo.png mode=over\n",
                files: ["photos/a.jpg", "logo.png"]) == [])
    }

    @Test func unknownGroupTarget() {
        let found = errors("t: out/{name}.webp <- photos/*.jpg\nall: t thumbz\n")
        #expect(found.first?.hasPrefix("Imgmakefile:2:8: error: unknown target 'thumbz'") == true)
    }
}
